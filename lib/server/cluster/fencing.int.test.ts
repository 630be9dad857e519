/**
 * Fencing at the runner: a runner whose lease is taken while its batch is in flight commits nothing, writes
 * no status, and stops; the new owner then commits the same records once, under the new epoch. Runs on
 * SQLite and (the `postgres` project) on PostgreSQL.
 */
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { systemClock } from "@/lib/domain/ports";
import { createTopic, produceWithKcat, testBrokers, uniqueTopicName } from "@/lib/testing/kafka";
import { createTempDatabase, testingOnPostgres, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { registerProcessor } from "../processors/registry";
import { JobRunner } from "../runtime/job-runner";
import { StaticOwnership } from "../runtime/static-ownership";
import { insertJob } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { leaseFence } from "./fence";
import { claimLeases, ensureLeases, jobLeaseName } from "./lease-store";

/** A deliver phase the test holds open: the batch is read and waits there, before its commit transaction. */
const gate = { entered: false, open: Promise.resolve(), release: () => {} };
registerProcessor({
  name: "test.held-deliver",
  description: "holds each batch before its commit until the test releases it",
  configSchema: z.strictObject({}),
  async deliver() {
    gate.entered = true;
    await gate.open;
  },
  async process() {},
});

describe(`fencing a runner on ${testingOnPostgres ? "PostgreSQL" : "SQLite"}`, () => {
  const database = createTempDatabase();
  const db = database.client();
  const other = database.client();
  const log = new KafkajsLog(createKafka(testBrokers(), "fencing-test"));
  afterAll(async () => {
    await log.close();
    await db.$disconnect();
    await other.$disconnect();
    database.remove();
  });

  it("a runner whose lease is taken mid-batch commits nothing and stops; the new owner commits the batch once", async () => {
    const topic = uniqueTopicName("fencing");
    await createTopic(testBrokers(), topic, 2);
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 100 }, (_, i) => `k${i % 7}:v${i}`));
    const job = await insertJob(db, { name: `fencing-${Date.now()}`, topics: [topic], processor: "test.held-deliver", batchIntervalMs: 100, startingOffsets: "earliest", retryBackoffMs: 50 });
    const lease = jobLeaseName(job.id);
    await ensureLeases(db, [lease]);
    const [first] = await claimLeases(db, "instance-a", [lease], 1, 60_000);

    gate.open = new Promise<void>((resolve) => (gate.release = resolve));
    const deps = { db, log, clock: systemClock, ownership: new StaticOwnership(log, [topic]) };
    const old = new JobRunner(job, { ...deps, fence: leaseFence("instance-a", first) });
    const oldDone = old.start();
    await waitFor(async () => gate.entered, "the first runner's batch to reach its deliver phase", 30_000, 20);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("running");

    // Another instance takes the lease (as after a pause past the TTL); then the held batch goes on to commit.
    const [second] = await claimLeases(other, "instance-b", [lease], 1, 60_000, true);
    expect(second.epoch).toBe(first.epoch + 1);
    await db.job.update({ where: { id: job.id }, data: { statusMessage: "marker" } });
    gate.release();
    await oldDone;

    expect(await readOffsets(db, job.id)).toEqual([]);
    const afterOld = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(Number(afterOld.recordsProcessed)).toBe(0);
    // Not even its status: the stopping runner's "stopped" was refused too.
    expect(afterOld).toMatchObject({ status: "running", statusMessage: "marker" });
    expect(await db.batch.count({ where: { jobId: job.id, status: "succeeded" } })).toBe(0);

    // The new owner resumes the same plan and commits it under its epoch.
    gate.entered = false;
    const next = new JobRunner(job, { ...deps, db: other, fence: leaseFence("instance-b", second) });
    const nextDone = next.start();
    await waitFor(async () => Number((await db.job.findUniqueOrThrow({ where: { id: job.id } })).recordsProcessed) === 100, "the new owner to commit", 30_000, 50);
    await next.stop();
    await nextDone;
    const batches = await db.batch.findMany({ where: { jobId: job.id, status: "succeeded" } });
    expect(batches.map((b) => b.leaseEpoch)).toEqual(batches.map(() => second.epoch));
    expect(batches.reduce((n, b) => n + b.records, 0)).toBe(100);
  });
});
