/** Audit log and alert history retention against a real (temp) SQLite database: exactly what goes and what stays. */
import { describe, expect, it } from "vitest";
import { systemClock } from "@/lib/domain/ports";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { parseEnv } from "../env";
import { LogRetentionPruner, pruneAlertHistory, pruneAuditLog, pruneEndedSessions } from "./log-retention";

const DAY = 86_400_000;
const NOW = Date.parse("2026-06-01T12:00:00Z");
const ago = (days: number) => new Date(NOW - days * DAY);

describe("settings", () => {
  it("default to 365 days of audit log and 90 of alert history, and refuse less than a day", () => {
    expect(parseEnv({})).toMatchObject({ TIDEMARK_AUDIT_RETENTION_DAYS: 365, TIDEMARK_ALERT_HISTORY_RETENTION_DAYS: 90 });
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
    const pruner = new LogRetentionPruner({ db, clock: { ...systemClock, now: () => NOW }, policy: { auditMs: 365 * DAY, alertHistoryMs: 90 * DAY, sessionIdleMs: 8 * 3_600_000, chunkSize: 10 }, say: () => {} });
    expect(await pruner.pruneOnce()).toEqual({ audit: 1, alertEvents: 1, sessions: 0 });
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
    const pruner = new LogRetentionPruner({ db, clock: { ...systemClock, now: () => NOW }, policy: { auditMs: 365 * DAY, alertHistoryMs: 90 * DAY, sessionIdleMs: 8 * 3_600_000, chunkSize: 10 }, say: () => {} });
    expect(await pruner.pruneOnce()).toEqual({ audit: 0, alertEvents: 0, sessions: 1 });
  });
});
