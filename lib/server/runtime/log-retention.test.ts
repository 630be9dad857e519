/** Audit log and alert history retention against a real (temp) SQLite database: exactly what goes and what stays. */
import { describe, expect, it } from "vitest";
import { systemClock } from "@/lib/domain/ports";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { parseEnv } from "../env";
import { insertJob } from "../stores/job-store";
import { LogRetentionPruner, pruneAlertHistory, pruneAuditLog, pruneDeadLetters, pruneEndedSessions, pruneResetHistory } from "./log-retention";

const DAY = 86_400_000;
const NOW = Date.parse("2026-06-01T12:00:00Z");
const ago = (days: number) => new Date(NOW - days * DAY);

describe("settings", () => {
  it("default to 365 days of audit log, 90 of alert history and 30 of dead letters, and refuse less than a day", () => {
    expect(parseEnv({})).toMatchObject({ TIDEMARK_AUDIT_RETENTION_DAYS: 365, TIDEMARK_ALERT_HISTORY_RETENTION_DAYS: 90, TIDEMARK_DEAD_LETTER_RETENTION_DAYS: 30 });
    expect(() => parseEnv({ TIDEMARK_DEAD_LETTER_RETENTION_DAYS: "0" })).toThrow(/TIDEMARK_DEAD_LETTER_RETENTION_DAYS must be at least 1/);
    expect(parseEnv({ TIDEMARK_AUDIT_RETENTION_DAYS: "730", TIDEMARK_ALERT_HISTORY_RETENTION_DAYS: "7" })).toMatchObject({ TIDEMARK_AUDIT_RETENTION_DAYS: 730, TIDEMARK_ALERT_HISTORY_RETENTION_DAYS: 7 });
    expect(() => parseEnv({ TIDEMARK_AUDIT_RETENTION_DAYS: "0" })).toThrow(/TIDEMARK_AUDIT_RETENTION_DAYS must be at least 1/);
    expect(() => parseEnv({ TIDEMARK_ALERT_HISTORY_RETENTION_DAYS: "0.5" })).toThrow(/TIDEMARK_ALERT_HISTORY_RETENTION_DAYS must be at least 1/);
  });
});

describe("pruneAuditLog", () => {
  const db = tempDatabaseForTests();

  // 1,210 rows written and deleted in 13 chunks: seconds on a loaded machine.
  it("deletes entries older than the retention in chunks, keeps the rest, and records that it did", { timeout: 30_000 }, async () => {
    await db.auditEvent.createMany({ data: Array.from({ length: 1203 }, (_, i) => ({ at: ago(400 + (i % 30)), actor: "local", action: "job.start", targetType: "job" })) });
    await db.auditEvent.createMany({ data: Array.from({ length: 7 }, () => ({ at: ago(364), actor: "local", action: "job.stop", targetType: "job" })) });
    expect(await pruneAuditLog(db, 365 * DAY, 100, NOW)).toBe(1203);
    expect(await db.auditEvent.count({ where: { action: "job.stop" } })).toBe(7);
    expect(await db.auditEvent.count({ where: { action: "job.start" } })).toBe(0);
    const mark = await db.auditEvent.findFirstOrThrow({ where: { action: "audit.prune" } });
    expect(mark.actor).toBe("system");
    expect(JSON.parse(mark.details)).toEqual({ deleted: 1203, olderThan: ago(365).toISOString(), retentionDays: 365 });
    // Nothing more to do: no second mark.
    expect(await pruneAuditLog(db, 365 * DAY, 100, NOW)).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "audit.prune" } })).toBe(1);
  });
});

describe("pruneAlertHistory", () => {
  const db = tempDatabaseForTests();

  async function event(ageDays: number, deliveryStatus: "delivered" | "failed" | "pending" | null) {
    return db.alertEvent.create({
      data: {
        at: ago(ageDays),
        kind: "firing",
        ruleName: "r",
        severity: "warning",
        targetKey: "job:x",
        targetName: "x",
        ...(deliveryStatus
          ? {
              deliveries: {
                create: [{ channelId: "c", channelName: "c", channelType: "webhook", status: deliveryStatus, nextAttemptAt: 0n, tries: { create: [{ ok: deliveryStatus === "delivered", durationMs: 3 }] } }],
              },
            }
          : {}),
      },
    });
  }

  it("deletes old events with their deliveries and attempts, keeps recent ones and any with a delivery still pending", async () => {
    for (let i = 0; i < 25; i++) await event(100, i % 2 === 0 ? "delivered" : "failed");
    await event(100, null);
    const pending = await event(100, "pending");
    const recent = await event(89, "delivered");
    expect(await pruneAlertHistory(db, 90 * DAY, 10, NOW)).toBe(26);
    expect((await db.alertEvent.findMany({ orderBy: { id: "asc" } })).map((e) => e.id)).toEqual([pending.id, recent.id]);
    expect(await db.alertDelivery.count()).toBe(2);
    expect(await db.alertDeliveryAttempt.count()).toBe(2);
  });

  it("runs both from the runtime's pruner", async () => {
    await db.auditEvent.create({ data: { at: ago(1000), actor: "local", action: "job.start", targetType: "job" } });
    await event(1000, "delivered");
    const pruner = new LogRetentionPruner({ db, clock: { ...systemClock, now: () => NOW }, policy: { auditMs: 365 * DAY, alertHistoryMs: 90 * DAY, deadLetterMs: 30 * DAY, sessionIdleMs: 8 * 3_600_000, chunkSize: 10 }, say: () => {} });
    expect(await pruner.pruneOnce()).toEqual({ audit: 1, resets: 0, alertEvents: 1, deadLetters: 0, sessions: 0 });
  });
});

describe("pruneEndedSessions", () => {
  const db = tempDatabaseForTests();
  const HOUR = 3_600_000;

  it("deletes sessions past their expiry or idle past the timeout (their cookies no longer sign anyone in), keeps live ones", async () => {
    await db.user.create({ data: { id: "u1", name: "ann", role: "viewer", passwordHash: "x" } });
    const session = (id: string, lastSeenHoursAgo: number, expiresInHours: number) =>
      db.session.create({ data: { id, userId: "u1", createdAt: new Date(NOW - 40 * DAY), lastSeenAt: new Date(NOW - lastSeenHoursAgo * HOUR), expiresAt: new Date(NOW + expiresInHours * HOUR) } });
    await session("expired", 1, -1);
    await session("idle", 9, 24);
    for (let i = 0; i < 25; i++) await session(`idle-${i}`, 100, 24);
    await session("live", 7, 24);
    await session("just-used", 0, 1);
    expect(await pruneEndedSessions(db, 8 * HOUR, 10, NOW)).toBe(27);
    expect((await db.session.findMany({ orderBy: { id: "asc" } })).map((s) => s.id)).toEqual(["just-used", "live"]);
  });

  it("runs from the runtime's pruner with the session idle timeout", async () => {
    await db.session.create({ data: { id: "stale", userId: "u1", lastSeenAt: new Date(NOW - DAY), expiresAt: new Date(NOW + DAY) } });
    const pruner = new LogRetentionPruner({ db, clock: { ...systemClock, now: () => NOW }, policy: { auditMs: 365 * DAY, alertHistoryMs: 90 * DAY, deadLetterMs: 30 * DAY, sessionIdleMs: 8 * 3_600_000, chunkSize: 10 }, say: () => {} });
    expect(await pruner.pruneOnce()).toEqual({ audit: 0, resets: 0, alertEvents: 0, deadLetters: 0, sessions: 1 });
  });
});

describe("pruneDeadLetters and pruneResetHistory", () => {
  const db = tempDatabaseForTests();

  it("delete dead letters older than their retention and resets older than the audit log's, in chunks; the rest stay", async () => {
    const job = await insertJob(db, { name: "dl-retention", processor: "count-by-key", topics: ["t"], batchIntervalMs: 1000, startingOffsets: "earliest" });
    const letter = (offset: number, ageDays: number) => ({ jobId: job.id, batchId: 1, topic: "t", partition: 0, offset, error: "not JSON", createdAt: ago(ageDays) });
    await db.deadLetter.createMany({ data: Array.from({ length: 23 }, (_, i) => letter(i, 31 + i)) });
    await db.deadLetter.createMany({ data: [letter(100, 29), letter(101, 0)] });
    expect(await pruneDeadLetters(db, 30 * DAY, 10, NOW)).toBe(23);
    expect((await db.deadLetter.findMany({ orderBy: { offset: "asc" } })).map((d) => Number(d.offset))).toEqual([100, 101]);

    const reset = (ageDays: number, reason: string) => ({ jobId: job.id, at: ago(ageDays), actor: "local", mode: "to-earliest", results: "keep", reason, partitions: "[]", summary: "{}" });
    await db.offsetReset.createMany({ data: [...Array.from({ length: 12 }, () => reset(400, "old")), reset(300, "kept")] });
    expect(await pruneResetHistory(db, 365 * DAY, 5, NOW)).toBe(12);
    expect((await db.offsetReset.findMany()).map((r) => r.reason)).toEqual(["kept"]);

    // From the runtime's pruner, with their own settings.
    await db.deadLetter.create({ data: letter(200, 8) });
    await db.offsetReset.create({ data: reset(9, "week-old") });
    const pruner = new LogRetentionPruner({ db, clock: { ...systemClock, now: () => NOW }, policy: { auditMs: 7 * DAY, alertHistoryMs: 90 * DAY, deadLetterMs: 7 * DAY, sessionIdleMs: 8 * 3_600_000, chunkSize: 10 }, say: () => {} });
    expect(await pruner.pruneOnce()).toMatchObject({ resets: 2, deadLetters: 2 });
    expect((await db.deadLetter.findMany()).map((d) => Number(d.offset))).toEqual([101]);
  });
});
