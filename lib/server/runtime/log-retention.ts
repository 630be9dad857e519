import type { Clock } from "@/lib/domain/ports";
import { recordAudit } from "../audit/audit-log";
import { PeriodicTask } from "../periodic-loop";
import type { Db } from "../stores/tx";
import { PRUNE_INTERVAL_MS } from "./batch-history";
import { deleteInChunks } from "./delete-in-chunks";

/**
 * How long the audit log (and with it the reset history), the alert history and dead letters are kept
 * (TIDEMARK_AUDIT_RETENTION_DAYS, TIDEMARK_ALERT_HISTORY_RETENTION_DAYS,
 * TIDEMARK_DEAD_LETTER_RETENTION_DAYS), so that no table grows without bound; ended sessions go too
 * (TIDEMARK_SESSION_IDLE_MINUTES).
 */
export interface LogRetentionPolicy {
  /** The audit log, and the resets' own history (GET /api/jobs/:id/resets), which the audit log also records */
  auditMs: number;
  alertHistoryMs: number;
  deadLetterMs: number;
  /** A session unused this long signs nobody in any more (TIDEMARK_SESSION_IDLE_MINUTES). */
  sessionIdleMs: number;
  /** Rows deleted per statement: each is a short write, so batch commits and web writes wait little. */
  chunkSize: number;
}

export const DEFAULT_LOG_PRUNE_CHUNK = 5000;

/**
 * Audit entries older than the retention go, oldest first; the pass itself is recorded (`audit.prune`,
 * by `system`), so the log always says that, and up to when, it was cut.
 */
export async function pruneAuditLog(db: Db, retentionMs: number, chunkSize: number, nowMs: number, signal?: AbortSignal): Promise<number> {
  const cutoff = new Date(nowMs - retentionMs);
  const deleted = await deleteInChunks(
    chunkSize,
    signal,
    async () => (await db.auditEvent.findMany({ where: { at: { lt: cutoff } }, orderBy: { at: "asc" }, take: chunkSize, select: { id: true } })).map((r) => r.id),
    async (ids) => (await db.auditEvent.deleteMany({ where: { id: { in: ids } } })).count,
  );
  if (deleted > 0) {
    await recordAudit(db, { actor: "system", action: "audit.prune", targetType: "audit", details: { deleted, olderThan: cutoff.toISOString(), retentionDays: retentionMs / 86_400_000 } });
  }
  return deleted;
}

/**
 * Alert events (firing, repeat, resolved, test) older than the retention go with their deliveries and
 * attempts (ON DELETE CASCADE); one whose delivery is still pending stays until it is sent or given up.
 * Open alerts (AlertState) are not history and are never touched.
 */
export async function pruneAlertHistory(db: Db, retentionMs: number, chunkSize: number, nowMs: number, signal?: AbortSignal): Promise<number> {
  const old = { at: { lt: new Date(nowMs - retentionMs) }, deliveries: { none: { status: "pending" } } };
  return deleteInChunks(
    chunkSize,
    signal,
    async () => (await db.alertEvent.findMany({ where: old, orderBy: { at: "asc" }, take: chunkSize, select: { id: true } })).map((r) => r.id),
    // The condition again: a delivery may have been queued since the ids were read.
    async (ids) => (await db.alertEvent.deleteMany({ where: { id: { in: ids }, ...old } })).count,
  );
}

/** Dead letters older than the retention go, oldest first; a replay that meets the record again dead-letters it again. */
export async function pruneDeadLetters(db: Db, retentionMs: number, chunkSize: number, nowMs: number, signal?: AbortSignal): Promise<number> {
  const old = { createdAt: { lt: new Date(nowMs - retentionMs) } };
  return deleteInChunks(
    chunkSize,
    signal,
    async () => (await db.deadLetter.findMany({ where: old, orderBy: { createdAt: "asc" }, take: chunkSize, select: { id: true } })).map((r) => r.id),
    async (ids) => (await db.deadLetter.deleteMany({ where: { id: { in: ids } } })).count,
  );
}

/** Applied resets older than the retention go from the jobs' reset history (the audit log keeps its own entry for as long). */
export async function pruneResetHistory(db: Db, retentionMs: number, chunkSize: number, nowMs: number, signal?: AbortSignal): Promise<number> {
  const old = { at: { lt: new Date(nowMs - retentionMs) } };
  return deleteInChunks(
    chunkSize,
    signal,
    async () => (await db.offsetReset.findMany({ where: old, take: chunkSize, select: { id: true } })).map((r) => r.id),
    async (ids) => (await db.offsetReset.deleteMany({ where: { id: { in: ids } } })).count,
  );
}

/**
 * Sessions that can sign nobody in any more: past their expiry, or unused for longer than the idle timeout.
 * Signing in adds a row each time, and one whose cookie is never sent again (a script that signs in on each
 * run, a cleared browser) is otherwise deleted by nothing.
 */
export async function pruneEndedSessions(db: Db, idleMs: number, chunkSize: number, nowMs: number, signal?: AbortSignal): Promise<number> {
  const ended = { OR: [{ expiresAt: { lte: new Date(nowMs) } }, { lastSeenAt: { lt: new Date(nowMs - idleMs) } }] };
  return deleteInChunks(
    chunkSize,
    signal,
    async () => (await db.session.findMany({ where: ended, take: chunkSize, select: { id: true } })).map((r) => r.id),
    // The condition again: a session may have been used since the ids were read.
    async (ids) => (await db.session.deleteMany({ where: { id: { in: ids }, ...ended } })).count,
  );
}

/**
 * Keeps the audit log, reset history, alert history, dead letters and sessions bounded: a pass at start and
 * every PRUNE_INTERVAL_MS, on the runtime's database connection, beside the batch history pruner.
 */
export class LogRetentionPruner extends PeriodicTask {
  constructor(private readonly deps: { db: Db; clock: Clock; policy: LogRetentionPolicy; intervalMs?: number; say?: (message: string) => void }) {
    super({ clock: deps.clock, intervalMs: deps.intervalMs ?? PRUNE_INTERVAL_MS, activity: "audit log, alert history, dead letter and session pruning", say: deps.say });
  }

  runOnce(): Promise<unknown> {
    return this.pruneOnce();
  }

  async pruneOnce(): Promise<{ audit: number; resets: number; alertEvents: number; deadLetters: number; sessions: number }> {
    const { db, clock, policy } = this.deps;
    const now = clock.now();
    const signal = this.abort.signal;
    const audit = await pruneAuditLog(db, policy.auditMs, policy.chunkSize, now, signal);
    const resets = await pruneResetHistory(db, policy.auditMs, policy.chunkSize, now, signal);
    const alertEvents = await pruneAlertHistory(db, policy.alertHistoryMs, policy.chunkSize, now, signal);
    const deadLetters = await pruneDeadLetters(db, policy.deadLetterMs, policy.chunkSize, now, signal);
    const sessions = await pruneEndedSessions(db, policy.sessionIdleMs, policy.chunkSize, now, signal);
    const days = (ms: number) => ms / 86_400_000;
    if (audit > 0) this.say(`audit log: deleted ${audit} entries older than ${days(policy.auditMs)} days`);
    if (resets > 0) this.say(`reset history: deleted ${resets} resets older than ${days(policy.auditMs)} days`);
    if (alertEvents > 0) this.say(`alert history: deleted ${alertEvents} events older than ${days(policy.alertHistoryMs)} days`);
    if (deadLetters > 0) this.say(`dead letters: deleted ${deadLetters} older than ${days(policy.deadLetterMs)} days`);
    return { audit, resets, alertEvents, deadLetters, sessions };
  }
}
