/**
 * job-not-running when no instance holds a wanted job's lease: the evaluator on DbAlertSignals, on a real
 * SQLite file whose lease rows are written by lease-store as instances write them (no runtime runs here).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createAlertRuleSchema } from "@/lib/contracts/alerts";
import { systemClock, type Clock } from "@/lib/domain/ports";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { claimLeases, ensureLeases, jobLeaseName, releaseLease } from "../cluster/lease-store";
import { insertJob, setDesiredState, setFailed, setStatus } from "../stores/job-store";
import { AlertEvaluator } from "./alert-evaluator";
import { createRule } from "./alert-service";
import { DbAlertSignals } from "./db-alert-signals";

const db = tempDatabaseForTests();
const TTL = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The evaluator's clock; the leases run on the database's own clock. */
let now = Date.now();
const clock: Clock = { now: () => now, sleep: systemClock.sleep };
const evaluator = () => new AlertEvaluator({ db, signals: new DbAlertSignals(db, 1000, undefined, TTL), clock, intervalMs: 1000, publicUrl: "http://t" });

async function firing(): Promise<string[]> {
  const states = await db.alertState.findMany({ where: { state: "firing" }, select: { targetKey: true } });
  const names = new Map((await db.job.findMany({ select: { id: true, name: true } })).map((j) => [`job:${j.id}`, j.name]));
  return states.map((s) => names.get(s.targetKey) ?? s.targetKey).sort();
}

/** A job asked to run whose status says it runs, as its runner leaves it. */
async function runningJob(name: string) {
  const job = await insertJob(db, { name, topics: ["t"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest" });
  await setDesiredState(db, job.id, "running");
  await setStatus(db, job.id, "running");
  return job;
}

beforeEach(async () => {
  await db.alertRule.deleteMany();
  await db.alertState.deleteMany();
  await db.alertEvent.deleteMany();
  await db.lease.deleteMany();
  await db.job.deleteMany();
  await createRule({ db, actor: "test", publicUrl: "http://t" }, createAlertRuleSchema.parse({ name: "down", target: { type: "all-jobs" }, condition: { type: "job-not-running" }, forSeconds: 0 }));
});

describe("job-not-running and job leases", () => {
  it("fires for a wanted job whose lease expired or was released, not for one with a live owner nor for a stopped one", async () => {
    const [owned, expired, released, stopped] = [await runningJob("owned"), await runningJob("expired"), await runningJob("released"), await runningJob("stopped")];
    await setDesiredState(db, stopped.id, "stopped");
    await ensureLeases(db, [owned, expired, released, stopped].map((j) => jobLeaseName(j.id)));
    await claimLeases(db, "a", [jobLeaseName(owned.id)], 1, 60_000);
    await claimLeases(db, "b", [jobLeaseName(expired.id)], 1, 1); // its owner went silent
    const [given] = await claimLeases(db, "a", [jobLeaseName(released.id)], 1, 60_000);
    await releaseLease(db, "a", given);
    await sleep(20);
    now = Date.now();

    // Just handed over: an instance has a TTL to take it; an expired lease counts at once.
    await evaluator().tick();
    expect(await firing()).toEqual(["expired"]);
    now += TTL + 1_000;
    await evaluator().tick();
    expect(await firing()).toEqual(["expired", "released"]);

    // Another instance takes both: the alerts resolve.
    await claimLeases(db, "c", [jobLeaseName(expired.id), jobLeaseName(released.id)], 2, 60_000);
    now += 1_000;
    await evaluator().tick();
    expect(await firing()).toEqual([]);
    expect((await db.alertEvent.findMany({ orderBy: { id: "asc" } })).map((e) => `${e.kind}:${e.targetName}`)).toEqual([
      "firing:expired",
      "firing:released",
      "resolved:expired",
      "resolved:released",
    ]);
  });

  it("a wanted job no instance ever took (no lease row) fires once it has waited a TTL; a failed one does not (job-failed does)", async () => {
    const [never, failed] = [await runningJob("never"), await runningJob("failed")];
    await setFailed(db, failed.id, "ATTEMPTS_EXHAUSTED", "boom");
    now = Date.now();
    await evaluator().tick();
    expect(await firing()).toEqual([]);
    now += TTL + 1_000;
    await evaluator().tick();
    expect(await firing()).toEqual([never.name]);
  });
});
