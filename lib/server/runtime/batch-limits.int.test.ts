/**
 * Bounded batches on a real broker: a job that sets no limits reads a backlog far larger than the
 * server's byte budget in several batches, counted exactly against kcat; and a job wedged on a batch
 * planned too big carries on under a cap set by PATCH.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { resetRequestSchema, type ResetPlanDto } from "@/lib/contracts/resets";
import { partitionKey } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, uniqueTopicName } from "@/lib/testing/kafka";
import { assertRangesTile, caughtUp, jobRow, readCounts } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { registerProcessor } from "../processors/registry";
import { startJob, stopJob, updateJob } from "../services/jobs";
import { resetOffsets } from "../services/resets";
import { readOffsets } from "../stores/offset-store";
import { listBatches } from "../stores/batch-store";
import { insertJob, setDesiredState } from "../stores/job-store";
import { RuntimeHost } from "./runtime-host";

const BUDGET = 256 * 1024;
const VALUE_BYTES = 1000;

/** Per key, how many records kcat reads from the whole topic. */
function kcatKeyCounts(topic: string): Map<string, number> {
  const out = spawnSync("kcat", ["-C", "-b", testBrokers().join(","), "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\\n"], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`kcat failed: ${out.stderr}`);
  const counts = new Map<string, number>();
  for (const key of out.stdout.split("\n").filter(Boolean)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

// Stands for a sink that refuses a send too big for it (a forward job's MESSAGE_TOO_LARGE): a batch of
// more than 50 records per partition can never be delivered, whatever the retries.
const SEND_LIMIT = 50;
registerProcessor({
  name: "test.small-sends",
  description: "refuses a batch of more than 50 records per partition",
  configSchema: z.strictObject({}),
  async deliver({ records }) {
    const perPartition = new Map<number, number>();
    for (const r of records) perPartition.set(r.partition, (perPartition.get(r.partition) ?? 0) + 1);
    const most = Math.max(0, ...perPartition.values());
    if (most > SEND_LIMIT) throw new Error(`send of ${most} records refused: at most ${SEND_LIMIT}`);
  },
  async process() {},
});

describe("bounded batches on a real broker", () => {
  const database = createTempDatabase();
  const db = database.client();
  let host: RuntimeHost;

  beforeAll(async () => {
    host = new RuntimeHost({
      databaseUrl: database.url,
      brokers: testBrokers(),
      clientId: "batch-limits-int-test",
      reconcileIntervalMs: 100,
      // As TIDEMARK_DEFAULT_MAX_BATCH_BYTES=262144 would set it.
      batchDefaults: { maxRecordsPerPartition: 25_000, maxBatchBytes: BUDGET },
    });
    await host.start();
  });

  afterAll(async () => {
    await host?.stop();
    await db.$disconnect();
    database.remove();
  });

  it("a job with no limits reads a 5 MB backlog in batches of the server's byte budget: ranges tile each log, counts exact, lag 0; a replay to a cut batch rolls back exactly", async () => {
    const topic = uniqueTopicName("budget");
    await createTopic(testBrokers(), topic, 4);
    const lines = Array.from({ length: 5_000 }, (_, i) => `key-${i % 37}:${String(i).padEnd(VALUE_BYTES, ".")}`);
    await produceWithKcat(testBrokers(), topic, lines);
    const job = await insertJob(db, { name: "no-limits", topics: [topic], processor: "count-by-key", batchIntervalMs: 100, startingOffsets: "earliest" });
    expect(job.maxRecordsPerPartition).toBeNull();
    expect(job.maxBatchBytes).toBeNull();
    await setDesiredState(db, job.id, "running");
    await waitFor(() => caughtUp(db, host.log, job.id, [topic]), "the job to reach lag 0", 60_000, 100);
    await setDesiredState(db, job.id, "stopped");
    await waitFor(async () => (await jobRow(db, job.id)).status === "stopped", "the job to stop", 10_000, 100);

    expect(await readCounts(db, job.id)).toEqual(kcatKeyCounts(topic));
    const batches = (await listBatches(db, job.id, { limit: 10_000 })).filter((b) => b.status === "succeeded");
    const largestRecord = "key-36".length + VALUE_BYTES;
    // 5,000,000 value bytes at most 256 KiB (+ one record) a batch: at least 19 batches.
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil((5_000 * VALUE_BYTES) / (BUDGET + largestRecord)));
    for (const b of batches) expect(b.bytes, `batch ${b.id}`).toBeLessThanOrEqual(BUDGET + largestRecord);
    expect(batches.reduce((sum, b) => sum + b.records, 0)).toBe(5_000);
    const logEnds = new Map((await host.log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    assertRangesTile(batches.flatMap((b) => b.ranges), logEnds);
    // The recorded ranges are the ones read: each batch's records fill its ranges (no gaps in this topic).
    for (const b of batches) expect(b.ranges.reduce((sum, r) => sum + r.untilOffset - r.fromOffset, 0), `batch ${b.id}`).toBe(b.records);

    // A replay "to batch" with rollback over cut batches: each partition goes back to where that batch
    // started (cut or not reached), the batches' counts come out, and running again counts exactly once.
    const middle = [...batches].sort((a, b) => a.id - b.id)[Math.floor(batches.length / 2)];
    expect(middle.ranges.some((r) => r.untilOffset === r.fromOffset) || middle.ranges.some((r) => r.untilOffset < logEnds.get(partitionKey(r))!)).toBe(true);
    const deps = { db, log: host.log, actor: "test" };
    const body = { mode: "to-batch", value: middle.id, results: "rollback" };
    const preview = (await resetOffsets(deps, job.id, resetRequestSchema.parse({ ...body, dryRun: true }))) as ResetPlanDto;
    await resetOffsets(deps, job.id, resetRequestSchema.parse({ ...body, dryRun: false, expect: preview.partitions }));
    const rewound = new Map((await readOffsets(db, job.id)).map((o) => [partitionKey(o), o.offset]));
    expect(rewound).toEqual(new Map(middle.ranges.map((r) => [partitionKey(r), r.fromOffset])));
    const before = await readCounts(db, job.id);
    expect([...before.values()].reduce((a, b) => a + b, 0)).toBe([...rewound.values()].reduce((a, b) => a + b, 0));
    await setDesiredState(db, job.id, "running");
    await waitFor(() => caughtUp(db, host.log, job.id, [topic]), "the replayed job to reach lag 0", 60_000, 100);
    await setDesiredState(db, job.id, "stopped");
    await waitFor(async () => (await jobRow(db, job.id)).status === "stopped", "the job to stop", 10_000, 100);
    expect(await readCounts(db, job.id)).toEqual(kcatKeyCounts(topic));
  });

  it("a job wedged on a batch planned too big carries on under the cap a PATCH sets: the unfinished batch is planned anew", async () => {
    const topic = uniqueTopicName("wedged");
    await createTopic(testBrokers(), topic, 2);
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 400 }, (_, i) => `key-${i % 7}:${i}`));
    const job = await insertJob(db, { name: "wedged", topics: [topic], processor: "test.small-sends", batchIntervalMs: 100, startingOffsets: "earliest", maxAttempts: 2, retryBackoffMs: 10 });
    const deps = { db, log: host.log, actor: "test" };
    await startJob(deps, job.id);
    await waitFor(async () => (await jobRow(db, job.id)).status === "failed", "the job to fail on its too-big batch", 30_000, 100);
    const [wedged] = await listBatches(db, job.id, { limit: 1 });
    expect(wedged.status).toBe("failed");
    expect(wedged.error).toContain("refused");

    await stopJob(deps, job.id);
    await updateJob(deps, job.id, { maxRecordsPerPartition: SEND_LIMIT });
    await startJob(deps, job.id);
    await waitFor(() => caughtUp(db, host.log, job.id, [topic]), "the job to reach lag 0 under the new cap", 30_000, 100);
    await stopJob(deps, job.id);

    const batches = await listBatches(db, job.id, { limit: 1_000 });
    expect(batches.find((b) => b.id === wedged.id)?.status).toBe("abandoned");
    const after = batches.filter((b) => b.id > wedged.id);
    expect(after.every((b) => b.status === "succeeded" && b.recordCap === SEND_LIMIT)).toBe(true);
    for (const r of after.flatMap((b) => b.ranges)) expect(r.untilOffset - r.fromOffset).toBeLessThanOrEqual(SEND_LIMIT);
    expect(after.reduce((sum, b) => sum + b.records, 0)).toBe(400);
    const logEnds = new Map((await host.log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    assertRangesTile(after.flatMap((b) => b.ranges), logEnds);
  });
});
