/** Use cases behind /api/alerts/silences, /active and /events: silences, open alerts, and the alert history. */
import { randomUUID } from "node:crypto";
import type { ChannelType } from "@/lib/contracts/alert-channels";
import type {
  ActiveAlertDto,
  AlertEventDto,
  AlertSilenceDto,
  CreateAlertSilenceCommand,
  alertEventsQuerySchema,
} from "@/lib/contracts/alerts";
import { describeCondition, formatValue, type AlertSeverity } from "@/lib/domain/alert-conditions";
import { matchingSilence } from "@/lib/domain/alert-state";
import { page } from "@/lib/domain/page";
import type { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { AppError } from "../http/app-error";
import { findJob } from "../stores/job-store";
import { parseDetails, targetLink } from "./alert-events";
import { ruleFromRow } from "./alert-rules";
import { actorOf, requireRule, type AlertServiceDeps } from "./alert-service";

function targetKeyName(key: string | null, jobs: { id: string; name: string }[]): string | null {
  if (key === null) return null;
  if (key.startsWith("job:")) return jobs.find((j) => `job:${j.id}` === key)?.name ?? key.slice(4);
  return key.replace(/^group:/, "");
}

export async function listSilences(deps: AlertServiceDeps, nowMs = Date.now()): Promise<AlertSilenceDto[]> {
  const [rows, rules, jobs] = await Promise.all([
    deps.db.alertSilence.findMany({ orderBy: { createdAt: "desc" }, take: 200 }),
    deps.db.alertRule.findMany({ select: { id: true, name: true } }),
    deps.db.job.findMany({ select: { id: true, name: true } }),
  ]);
  return rows.map((s) => ({
    id: s.id,
    rule: s.ruleId ? { id: s.ruleId, name: rules.find((r) => r.id === s.ruleId)?.name ?? "(deleted rule)" } : null,
    targetKey: s.targetKey,
    targetName: targetKeyName(s.targetKey, jobs),
    reason: s.reason,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    active: s.endsAt.getTime() > nowMs,
  }));
}

export async function createSilence(deps: AlertServiceDeps, command: CreateAlertSilenceCommand, nowMs = Date.now()): Promise<AlertSilenceDto> {
  const { db } = deps;
  const rule = command.rule ? await requireRule(db, command.rule) : null;
  let targetKey: string | null = null;
  if (command.target?.type === "job") {
    const job = await findJob(db, command.target.job);
    if (!job) throw new AppError("UNKNOWN_TARGET", `target.job: no job with id or name '${command.target.job}'`, { missing: command.target.job });
    targetKey = `job:${job.id}`;
  } else if (command.target?.type === "group") {
    targetKey = `group:${command.target.group}`;
  }
  const endsAt = command.endsAt !== undefined ? Date.parse(command.endsAt) : nowMs + command.durationSeconds! * 1000;
  if (endsAt <= nowMs) throw new AppError("VALIDATION_FAILED", "endsAt: must be in the future", [{ path: "endsAt", message: "must be in the future" }]);
  if (endsAt - nowMs > 90 * 86_400_000) throw new AppError("VALIDATION_FAILED", "endsAt: at most 90 days ahead", [{ path: "endsAt", message: "at most 90 days ahead" }]);
  const id = randomUUID();
  await db.$transaction(async (tx) => {
    await tx.alertSilence.create({ data: { id, ruleId: rule?.id ?? null, targetKey, reason: command.reason, createdBy: actorOf(deps), endsAt: new Date(endsAt) } });
    await recordAudit(tx, { actor: actorOf(deps), action: "alert-silence.create", targetType: "alert-silence", targetId: id, details: { after: { rule: rule?.name ?? null, targetKey, reason: command.reason, endsAt: new Date(endsAt).toISOString() } } });
  });
  return (await listSilences(deps, nowMs)).find((s) => s.id === id)!;
}

/** Ends a silence now; it stays in the list as expired. */
export async function expireSilence(deps: AlertServiceDeps, id: string, nowMs = Date.now()): Promise<AlertSilenceDto> {
  const row = await deps.db.alertSilence.findUnique({ where: { id } });
  if (!row) throw new AppError("ALERT_SILENCE_NOT_FOUND", `no silence with id '${id}'`);
  if (row.endsAt.getTime() > nowMs) {
    await deps.db.$transaction(async (tx) => {
      await tx.alertSilence.update({ where: { id }, data: { endsAt: new Date(nowMs) } });
      await recordAudit(tx, { actor: actorOf(deps), action: "alert-silence.expire", targetType: "alert-silence", targetId: id, details: { before: { endsAt: row.endsAt.toISOString() }, after: { endsAt: new Date(nowMs).toISOString() } } });
    });
  }
  return (await listSilences(deps, nowMs + 1)).find((s) => s.id === id)!;
}

// ------------------------------------------------------------------------------------------ open alerts and history

export async function listActiveAlerts(deps: AlertServiceDeps, nowMs = Date.now()): Promise<ActiveAlertDto[]> {
  const [states, rules, silences] = await Promise.all([
    deps.db.alertState.findMany(),
    deps.db.alertRule.findMany(),
    deps.db.alertSilence.findMany({ where: { endsAt: { gt: new Date(nowMs) } } }),
  ]);
  const list = silences.map((s) => ({ ...s, endsAt: s.endsAt.getTime() }));
  const out: ActiveAlertDto[] = [];
  for (const s of states) {
    const row = rules.find((r) => r.id === s.ruleId);
    if (!row || !row.enabled) continue;
    const rule = ruleFromRow(row);
    const kind = s.targetKey.startsWith("group:") ? "group" : "job";
    const silence = matchingSilence(list, rule.id, s.targetKey, nowMs);
    out.push({
      ruleId: rule.id,
      ruleName: rule.name,
      severity: rule.severity,
      conditionText: describeCondition(rule.condition),
      targetKey: s.targetKey,
      targetName: s.targetName,
      targetKind: kind,
      state: s.state === "firing" ? "firing" : "pending",
      since: new Date(Number(s.since)).toISOString(),
      firingSince: s.firingSince === null ? null : new Date(Number(s.firingSince)).toISOString(),
      lastNotifiedAt: s.lastNotifiedAt === null ? null : new Date(Number(s.lastNotifiedAt)).toISOString(),
      value: s.value,
      valueText: formatValue(rule.condition, s.value ?? (rule.condition.type === "eta" ? Number.POSITIVE_INFINITY : null)),
      silenced: silence ? { id: silence.id, reason: silence.reason, endsAt: new Date(silence.endsAt).toISOString() } : null,
      link: targetLink("", kind, s.targetName),
    });
  }
  const rank = { critical: 0, warning: 1, info: 2 } as Record<AlertSeverity, number>;
  return out.sort((a, b) => (a.state === b.state ? 0 : a.state === "firing" ? -1 : 1) || rank[a.severity] - rank[b.severity] || a.since.localeCompare(b.since));
}

export async function listEvents(deps: AlertServiceDeps, q: z.output<typeof alertEventsQuerySchema>): Promise<{ items: AlertEventDto[]; next: number | null }> {
  const rule = q.rule ? await requireRule(deps.db, q.rule) : null;
  const { rows, next } = await page(
    q.limit,
    (take) =>
      deps.db.alertEvent.findMany({
        where: { ...(q.before ? { id: { lt: q.before } } : {}), ...(rule ? { ruleId: rule.id } : {}), ...(q.kind ? { kind: q.kind } : {}) },
        orderBy: { id: "desc" },
        take,
        include: { deliveries: { orderBy: { id: "asc" }, include: { tries: { orderBy: { id: "asc" } } } } },
      }),
    (last) => last.id,
  );
  return {
    items: rows.map((e) => {
      const d = parseDetails(e);
      return {
        id: e.id,
        at: e.at.toISOString(),
        kind: e.kind as AlertEventDto["kind"],
        ruleId: e.ruleId,
        ruleName: e.ruleName,
        severity: e.severity as AlertSeverity,
        targetKey: e.targetKey,
        targetName: e.targetName,
        value: e.value,
        valueText: d.valueText,
        conditionText: d.conditionText,
        since: d.since,
        silencedBy: d.silencedBy,
        deliveries: e.deliveries.map((x) => ({
          id: x.id,
          channelId: x.channelId,
          channelName: x.channelName,
          channelType: x.channelType as ChannelType,
          status: x.status === "sending" ? "pending" : (x.status as AlertDeliveryStatus),
          attempts: x.attempts,
          lastError: x.lastError,
          tries: x.tries.map((t) => ({ at: t.at.toISOString(), ok: t.ok, statusCode: t.statusCode, error: t.error, durationMs: t.durationMs })),
        })),
      };
    }),
    next,
  };
}

type AlertDeliveryStatus = "pending" | "delivered" | "failed";
