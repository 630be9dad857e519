/** The evaluator with an injected clock and hand-made signals, on a real (temp) SQLite database. */
import { describe, expect, it } from "vitest";
import { createAlertRuleSchema, updateAlertRuleSchema } from "@/lib/contracts/alerts";
import { genericPayload } from "@/lib/domain/alert-messages";
import type { AlertTargetSignals } from "@/lib/domain/alert-conditions";
import type { AlertSignals } from "@/lib/domain/alert-signals";
import { systemClock, type Clock } from "@/lib/domain/ports";
import { tempDatabaseForTests, waitFor } from "@/lib/testing/temp-db";
import { insertJob } from "../stores/job-store";
import { AlertEvaluator } from "./alert-evaluator";
import { noticeFromEvent } from "./alert-events";
import { createChannel } from "./alert-channel-service";
import { createSilence } from "./alert-history-service";
import { createRule, deleteRule, updateRule, type AlertServiceDeps } from "./alert-service";

const db = tempDatabaseForTests();
const deps: AlertServiceDeps = { db, actor: "test", publicUrl: "http://t" };
let now = 1_000_000;
const clock: Clock = { now: () => now, sleep: async () => {} };
let targets: AlertTargetSignals[] = [];
const signals: AlertSignals = { read: async () => targets };
const evaluator = () => new AlertEvaluator({ db, signals, clock, intervalMs: 1000, publicUrl: "http://t" });

const jobSignals = (id: string, name: string, lag: number, job: Partial<NonNullable<AlertTargetSignals["job"]>> = {}): AlertTargetSignals => ({
  key: `job:${id}`,
  kind: "job",
  id,
  name,
  lag,
  timeLagMs: 0,
  eta: null,
  status: "OK",
  job: { status: "running", desiredState: "running", statusMessage: null, slowBatchStreak: 0, deadLettersAdded: {}, ...job },
});
const group = (id: string, lag: number): AlertTargetSignals => ({ key: `group:${id}`, kind: "group", id, name: id, lag, timeLagMs: 0, eta: null, status: "OK" });

async function events() {
  return (await db.alertEvent.findMany({ orderBy: { id: "asc" }, include: { deliveries: true } })).map((e) => `${e.kind}:${e.targetName}:${e.deliveries.length}`);
}

describe("alert evaluator", () => {
  it("pending → firing after the duration, state survives a new evaluator, resolved when the condition ends", async () => {
    const job = await insertJob(db, { name: "a", topics: ["t"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest" });
    const ch = await createChannel(deps, { name: "hook", type: "webhook", url: "http://127.0.0.1:9/x", enabled: true });
    await createRule(deps, createAlertRuleSchema.parse({ name: "lag", target: { type: "all-jobs" }, condition: { type: "lag", threshold: 10 }, forSeconds: 10, repeatSeconds: null, channels: [ch.id] }));

    targets = [jobSignals(job.id, "a", 50)];
    await evaluator().tick();
    expect(await db.alertState.findMany()).toMatchObject([{ state: "pending", since: BigInt(now) }]);
    now += 9_000;
    await evaluator().tick();
    expect(await events()).toEqual([]);
    now += 1_000;
    const tick = await evaluator().tick(); // a new evaluator: as after a restart
    expect(tick).toMatchObject({ events: 1, deliveries: 1 });
    expect(await events()).toEqual(["firing:a:1"]);
    now += 60_000;
    await evaluator().tick(); // once only: no repeat
    expect(await events()).toEqual(["firing:a:1"]);

    targets = [jobSignals(job.id, "a", 3)];
    now += 1_000;
    await evaluator().tick();
    expect(await events()).toEqual(["firing:a:1", "resolved:a:1"]);
    expect(await db.alertState.count()).toBe(0);
    const details = JSON.parse((await db.alertEvent.findFirstOrThrow({ where: { kind: "firing" } })).details);
    expect(details).toMatchObject({ conditionText: "lag > 10 records", threshold: 10, unit: "records", valueText: "50 records", link: "http://t/jobs/a", since: new Date(now - 71_000).toISOString() });
  });

  it("a silence mutes delivery but keeps history; groups match by pattern; a target that disappears resolves", async () => {
    await db.alertRule.deleteMany();
    await db.alertEvent.deleteMany();
    await createRule(deps, createAlertRuleSchema.parse({ name: "groups", target: { type: "groups", pattern: "orders-*" }, condition: { type: "lag", threshold: 0 }, forSeconds: 0, repeatSeconds: 5, channels: ["hook"] }));
    await createSilence(deps, { target: { type: "group", group: "orders-eu" }, durationSeconds: 60, reason: "x" }, now);
    targets = [group("orders-eu", 5), group("orders-us", 5), group("payments", 5)];
    await evaluator().tick();
    expect((await events()).sort()).toEqual(["firing:orders-eu:0", "firing:orders-us:1"]);
    now += 5_000;
    await evaluator().tick();
    expect((await events()).filter((e) => e.startsWith("repeat"))).toEqual(["repeat:orders-us:1"]);

    targets = [group("orders-eu", 5)]; // orders-us is gone
    now += 1_000;
    await evaluator().tick();
    expect(await events()).toContain("resolved:orders-us:1");
    expect(await db.alertState.findMany({ select: { targetKey: true } })).toEqual([{ targetKey: "group:orders-eu" }]);

    now += 60_000; // the silence is over: the muted alert is told now
    await evaluator().tick();
    expect((await events()).at(-1)).toBe("firing:orders-eu:1");
  });

  it("job health: stopped without a user asking fires; asked to stop does not", async () => {
    await db.alertRule.deleteMany();
    await db.alertEvent.deleteMany();
    await db.alertState.deleteMany();
    await createRule(deps, createAlertRuleSchema.parse({ name: "down", target: { type: "all-jobs" }, condition: { type: "job-not-running" }, forSeconds: 0 }));
    targets = [jobSignals("x", "x", 0, { desiredState: "running", status: "stopped" }), jobSignals("y", "y", 0, { desiredState: "stopped", status: "stopped" })];
    await evaluator().tick();
    expect(await events()).toEqual(["firing:x:0"]);
  });

  it("a rule disabled behind the API's back: its firing alerts resolve, saying why", async () => {
    await db.alertRule.updateMany({ data: { enabled: false } });
    await evaluator().tick();
    expect(await db.alertState.count()).toBe(0);
    expect(await events()).toEqual(["firing:x:0", "resolved:x:0"]);
    expect(JSON.parse((await db.alertEvent.findFirstOrThrow({ where: { kind: "resolved" } })).details)).toMatchObject({ reason: "rule disabled", valueText: "rule disabled" });
  });

  it("disabling, changing or deleting a rule resolves its firing alerts with a message saying why; pending and muted ones close quietly", async () => {
    await db.alertRule.deleteMany();
    await db.alertEvent.deleteMany();
    await db.alertState.deleteMany();
    const job = await insertJob(db, { name: "c", topics: ["t"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest" });
    targets = [jobSignals(job.id, "c", 50)];
    const rule = (name: string, forSeconds: number) =>
      createRule(deps, createAlertRuleSchema.parse({ name, target: { type: "job", job: "c" }, condition: { type: "lag", threshold: 10 }, forSeconds, channels: ["hook"] }));
    const last = async () => {
      const e = await db.alertEvent.findFirstOrThrow({ orderBy: { id: "desc" }, include: { deliveries: true } });
      return { event: `${e.kind}:${e.ruleName}:${e.deliveries.length}`, reason: JSON.parse(e.details).reason, summary: genericPayload(noticeFromEvent(e)).summary };
    };
    await rule("a", 0);
    await rule("slow", 600);
    await evaluator().tick();
    expect(await events()).toEqual(["firing:c:1"]);
    expect(await db.alertState.count()).toBe(2); // a firing, slow pending

    await updateRule(deps, "a", updateAlertRuleSchema.parse({ enabled: false }));
    expect(await last()).toEqual({ event: "resolved:a:1", reason: "rule disabled", summary: "[RESOLVED] a — lag > 10 records on job c: rule disabled (warning)" });
    await updateRule(deps, "slow", updateAlertRuleSchema.parse({ enabled: false })); // pending: nobody was told
    expect(await events()).toEqual(["firing:c:1", "resolved:c:1"]);
    expect(await db.alertState.count()).toBe(0);

    await updateRule(deps, "a", updateAlertRuleSchema.parse({ enabled: true }));
    await evaluator().tick();
    await updateRule(deps, "a", updateAlertRuleSchema.parse({ severity: "critical", repeatSeconds: 60 })); // keeps the alert open
    expect((await last()).event).toBe("firing:a:1");
    await updateRule(deps, "a", updateAlertRuleSchema.parse({ condition: { type: "lag", threshold: 20 } }));
    expect(await last()).toMatchObject({ event: "resolved:a:1", reason: "rule changed" });
    await evaluator().tick();
    expect((await last()).event).toBe("firing:a:1");
    await deleteRule(deps, "a");
    expect(await last()).toMatchObject({ event: "resolved:a:1", reason: "rule deleted" });

    // Fired while muted: nobody was told, so nobody is told it ended.
    await rule("muted", 0);
    await createSilence(deps, { rule: "muted", durationSeconds: 600, reason: "x" }, now);
    await evaluator().tick();
    expect((await last()).event).toBe("firing:muted:0");
    await deleteRule(deps, "muted");
    expect(await last()).toMatchObject({ event: "resolved:muted:0", reason: "rule deleted" });
    expect(await db.alertState.count()).toBe(0);
  });

  it("evaluates when the sampler wakes it, and on its own after intervalMs without a wake", async () => {
    await createRule(deps, createAlertRuleSchema.parse({ name: "woken", target: { type: "all-jobs" }, condition: { type: "lag", threshold: 0 } }));
    const readsAt: number[] = [];
    const counting: AlertSignals = {
    read: async () => {
      readsAt.push(Date.now());
      return [];
    },
  };
    const sleepy = new AlertEvaluator({ db, signals: counting, clock: systemClock, intervalMs: 60_000, publicUrl: "http://t" });
    sleepy.start();
    await waitFor(async () => readsAt.length === 1, "the first evaluation", 5_000, 10);
    await new Promise((r) => setTimeout(r, 300));
    expect(readsAt).toHaveLength(1); // a minute to wait
    sleepy.wake();
    await waitFor(async () => readsAt.length === 2, "an evaluation after the wake", 2_000, 10);
    sleepy.wake();
    await waitFor(async () => readsAt.length === 3, "an evaluation after the next wake", 2_000, 10);
    await sleepy.stop();

    readsAt.length = 0;
    const alone = new AlertEvaluator({ db, signals: counting, clock: systemClock, intervalMs: 200, publicUrl: "http://t" });
    alone.start();
    await waitFor(async () => readsAt.length >= 3, "evaluations without wakes", 5_000, 10);
    await alone.stop();
    expect(readsAt[2] - readsAt[1]).toBeGreaterThanOrEqual(150);
  });
});
