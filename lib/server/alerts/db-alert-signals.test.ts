/** The evaluator's signals as DbAlertSignals reads them from a real (temp) SQLite database the test seeds. */
import { beforeEach, describe, expect, it } from "vitest";
import type { AlertTargetSignals } from "@/lib/domain/alert-conditions";
import type { SignalNeeds } from "@/lib/domain/alert-signals";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { insertJob, setDesiredState, setStatus } from "../stores/job-store";
import { DbAlertSignals } from "./db-alert-signals";

const db = tempDatabaseForTests();
let fast: string;
let slow: string;
const NOW = Date.parse("2026-03-01T12:00:00Z");
const none: SignalNeeds = { groups: false, slowBatchWindow: 0, deadLetterWindowsMs: [] };

beforeEach(async () => {
  await db.job.deleteMany();
  await db.lagEvaluation.deleteMany();
  fast = (await insertJob(db, { name: "fast", topics: ["t"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest" })).id;
  slow = (await insertJob(db, { name: "slow", topics: ["t"], processor: "count-by-key", batchIntervalMs: 100, startingOffsets: "earliest" })).id;
});

/** Batches of a job, oldest first; succeeded ones ended `endedAgoMs` before NOW. */
async function batches(jobId: string, list: [status: string, processingTimeMs: number | null][], endedAgoMs = 100) {
  for (const [status, processingTimeMs] of list) {
    await db.batch.create({ data: { jobId, batchTime: new Date(NOW), status, records: 1, processingTimeMs, completedAt: status === "succeeded" ? new Date(NOW - endedAgoMs) : null } });
  }
}

async function deadLetter(jobId: string, offset: number, ageMs: number) {
  await db.deadLetter.create({ data: { jobId, batchId: 0, topic: "t", partition: 0, offset: BigInt(offset), error: "bad", createdAt: new Date(NOW - ageMs) } });
}

async function evaluation(kind: "job" | "group", subject: string, status: string, ageMs: number, lag = 10) {
  await db.lagEvaluation.create({
    data: { kind, subject, ts: BigInt(NOW - ageMs), status, worst: status, totalLag: BigInt(lag), timeLagMs: 2000n, lagPerSec: 0, consumeRate: 1, produceRate: 1, etaState: "catching-up", etaMs: 5000n, partitions: "[]" },
  });
}

const byName = (list: AlertTargetSignals[], name: string) => list.find((s) => s.name === name)!;

describe("DbAlertSignals", () => {
  it("falling behind: counts the newest succeeded batches in a row that took longer than the job's interval", async () => {
    await setDesiredState(db, fast, "running");
    await setDesiredState(db, slow, "running");
    // fast: interval 1000 ms. Oldest → newest: slow, fast (breaks the run), then three slow; a running batch does not count.
    await batches(fast, [["succeeded", 5000], ["succeeded", 1000], ["succeeded", 1500], ["failed", null], ["succeeded", 1200], ["succeeded", 1001], ["running", null]]);
    // slow: interval 100 ms, every batch over it.
    await batches(slow, [["succeeded", 150], ["succeeded", 150]]);
    const signals = new DbAlertSignals(db, 1000);
    const read = await signals.read(NOW, { ...none, slowBatchWindow: 5 });
    expect(byName(read, "fast").job!.slowBatchStreak).toBe(3); // 1000 ms is not longer than the interval
    expect(byName(read, "slow").job!.slowBatchStreak).toBe(2);
    // Looks no further back than the longest streak a rule asks for.
    expect(byName(await signals.read(NOW, { ...none, slowBatchWindow: 2 }), "fast").job!.slowBatchStreak).toBe(2);
    // No rule asks: not read at all.
    expect(byName(await signals.read(NOW, none), "fast").job!.slowBatchStreak).toBe(0);
  });

  it("falling behind: not for a job that has had nothing to read since its slow batches, nor for one asked to stop", async () => {
    await setDesiredState(db, fast, "running");
    await batches(fast, [["succeeded", 5000], ["succeeded", 5000]], 31_000); // ended 31 s ago, nothing since
    await setDesiredState(db, slow, "running");
    await batches(slow, [["succeeded", 500], ["succeeded", 500]], 1_000);
    const read = async () => {
      const r = await new DbAlertSignals(db, 1000).read(NOW, { ...none, slowBatchWindow: 5 });
      return [byName(r, "fast").job!.slowBatchStreak, byName(r, "slow").job!.slowBatchStreak];
    };
    expect(await read()).toEqual([0, 2]);
    await batches(fast, [["running", null]]); // busy again: its last batches count
    expect(await read()).toEqual([2, 2]);
    await setDesiredState(db, slow, "stopped");
    expect(await read()).toEqual([2, 0]);
  });

  it("dead letters: counted per job within each window a rule asks for", async () => {
    await deadLetter(fast, 1, 10_000);
    await deadLetter(fast, 2, 100_000);
    await deadLetter(fast, 3, 400_000);
    await deadLetter(slow, 1, 30_000);
    const read = await new DbAlertSignals(db, 1000).read(NOW, { ...none, deadLetterWindowsMs: [60_000, 300_000] });
    expect(byName(read, "fast").job!.deadLettersAdded).toEqual({ 60000: 1, 300000: 2 });
    expect(byName(read, "slow").job!.deadLettersAdded).toEqual({ 60000: 1, 300000: 1 });
  });

  it("lag signals come from the latest evaluation; an evaluation older than 3 sample intervals (at least 15 s) counts as ERR", async () => {
    await evaluation("job", fast, "WARN", 14_000);
    await evaluation("job", slow, "OK", 16_000);
    const read = await new DbAlertSignals(db, 1000).read(NOW, none);
    expect(byName(read, "fast")).toMatchObject({ kind: "job", key: `job:${fast}`, lag: 10, timeLagMs: 2000, eta: { state: "catching-up", ms: 5000 }, status: "WARN" });
    expect(byName(read, "slow").status).toBe("ERR");
    // With a 10 s sampling interval, 16 s is not stale yet; 31 s is.
    expect(byName(await new DbAlertSignals(db, 10_000).read(NOW, none), "slow").status).toBe("OK");
    expect(byName(await new DbAlertSignals(db, 10_000).read(NOW + 15_000, none), "slow").status).toBe("ERR");
  });

  it("a job never sampled has unknown lag signals, not zero", async () => {
    expect(byName(await new DbAlertSignals(db, 1000).read(NOW, none), "fast")).toMatchObject({ lag: null, timeLagMs: null, eta: null, status: null });
  });

  it("consumer groups only when a rule targets them", async () => {
    await evaluation("group", "billing", "ERR", 1000, 42);
    expect((await new DbAlertSignals(db, 1000).read(NOW, none)).map((s) => s.kind)).toEqual(["job", "job"]);
    const read = await new DbAlertSignals(db, 1000).read(NOW, { ...none, groups: true });
    expect(byName(read, "billing")).toMatchObject({ kind: "group", key: "group:billing", lag: 42, status: "ERR" });
    expect(byName(read, "billing").job).toBeUndefined();
  });

  it("job status and desired state as stored; the runtime process being down as its host reports it", async () => {
    await setDesiredState(db, fast, "running");
    await setStatus(db, fast, "running");
    let downSince: number | null = null;
    const signals = new DbAlertSignals(db, 1000, () => downSince);
    expect(byName(await signals.read(NOW, none), "fast").job).toMatchObject({ status: "running", desiredState: "running", runtimeDown: false });
    downSince = NOW - 5000;
    expect(byName(await signals.read(NOW, none), "fast").job).toMatchObject({ status: "running", runtimeDown: true });
    expect(byName(await new DbAlertSignals(db, 1000).read(NOW, none), "fast").job!.runtimeDown).toBe(false);
  });
});
