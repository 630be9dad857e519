import { describe, expect, it } from "vitest";
import type { KafkaLog } from "@/lib/domain/ports";
import { createJobSchema, jobDtoSchema, type UpdateJobCommand } from "@/lib/contracts/jobs";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { failBatch, insertPlannedBatch } from "../stores/batch-store";
import { createJob, getJobDto, removeJob, startJob, updateJob } from "./jobs";

/** Just enough Kafka for the job service: one topic, no offsets. */
const log = { topicNames: async () => ["t"], logOffsets: async () => [] } as unknown as KafkaLog;

describe("deleting a job", () => {
  const db = tempDatabaseForTests();
  const deps = { db, log, actor: "local" };

  it("removes count-by-key's per-batch deltas with it (they have no foreign key), and only its own", async () => {
    const gone = await createJob(deps, createJobSchema.parse({ name: "gone", topics: ["t"], processor: "count-by-key" }));
    const kept = await createJob(deps, createJobSchema.parse({ name: "kept", topics: ["t"], processor: "count-by-key" }));
    for (const jobId of [gone.id, kept.id]) {
      await db.keyCountDelta.createMany({ data: [1, 2].map((batchId) => ({ jobId, batchId, windowStart: 0n, key: "k", count: 3n })) });
    }
    await removeJob(deps, "gone");
    expect(await db.job.count({ where: { id: gone.id } })).toBe(0);
    expect(await db.keyCountDelta.count({ where: { jobId: gone.id } })).toBe(0);
    expect(await db.keyCountDelta.count({ where: { jobId: kept.id } })).toBe(2);
  });
});

describe("starting a job", () => {
  const db = tempDatabaseForTests();
  const deps = { db, log, actor: "local" };

  it("leaves a running job running when asked to start again (idempotent), without an audit entry", async () => {
    const job = await createJob(deps, createJobSchema.parse({ name: "twice", topics: ["t"], processor: "count-by-key" }));
    expect((await startJob(deps, "twice")).status).toBe("starting");
    // The runtime picks it up and reports it running.
    await db.job.update({ where: { id: job.id }, data: { status: "running" } });
    const audits = await db.auditEvent.count({ where: { action: "job.start" } });
    expect((await startJob(deps, "twice")).status).toBe("running");
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("running");
    expect(await db.auditEvent.count({ where: { action: "job.start" } })).toBe(audits);
  });

  it("starts a failed job again (status starting)", async () => {
    const job = await createJob(deps, createJobSchema.parse({ name: "failed-one", topics: ["t"], processor: "count-by-key" }));
    await db.job.update({ where: { id: job.id }, data: { desiredState: "running", status: "failed" } });
    expect((await startJob(deps, "failed-one")).status).toBe("starting");
  });
});

describe("changing a stopped job", () => {
  const db = tempDatabaseForTests();
  const deps = { db, log, actor: "local" };

  it("re-plans an unfinished batch when its limits, processor or config change; keeps it for other changes", async () => {
    const job = await createJob(deps, createJobSchema.parse({ name: "wedged", topics: ["t"], processor: "count-by-key" }));
    const unfinished = async () => (await insertPlannedBatch(db, job.id, new Date(), [{ topic: "t", partition: 0, fromOffset: 0, untilOffset: 10 }])) as number;
    const statusOf = async (id: number) => (await db.batch.findUniqueOrThrow({ where: { id } })).status;
    const changes: [UpdateJobCommand, string][] = [
      [{ batchIntervalMs: 500 }, "planned"],
      [{ onError: "skip" }, "planned"],
      [{ maxRecordsPerPartition: null }, "planned"], // unchanged: still none
      [{ processorConfig: {} }, "planned"], // unchanged
      [{ maxRecordsPerPartition: 100 }, "abandoned"],
      [{ maxBatchBytes: 65_536 }, "abandoned"],
      [{ maxBatchBytes: null }, "abandoned"],
      [{ processorConfig: { windowMs: 60_000 } }, "abandoned"],
      [{ processor: "store-records" }, "abandoned"],
    ];
    for (const [update, expected] of changes) {
      const batch = await unfinished();
      await updateJob(deps, job.id, update);
      expect(await statusOf(batch), JSON.stringify(update)).toBe(expected);
      await db.batch.update({ where: { id: batch }, data: { status: "abandoned" } });
    }
  });
});

describe("the job the API answers", () => {
  const db = tempDatabaseForTests();
  const deps = { db, log, actor: "local" };
  // The schema is strict: a field the store adds that the contract (and so the OpenAPI document) does not name fails here.
  it("is what the contract's response schema describes, no field more or less, stopped and failed", async () => {
    const job = await createJob(deps, createJobSchema.parse({ name: "described", topics: ["t"], processor: "count-by-key" }));
    expect(jobDtoSchema.safeParse(job).error).toBeUndefined();
    const batch = await insertPlannedBatch(db, job.id, new Date(), [{ topic: "t", partition: 0, fromOffset: 0, untilOffset: 10 }]);
    await failBatch(db, batch, "boom", { topic: "t", partition: 0, offset: 3 });
    await db.job.update({ where: { id: job.id }, data: { status: "failed", statusMessage: "boom", failureCode: "ATTEMPTS_EXHAUSTED" } });
    const failed = await getJobDto(deps, job.id);
    expect(failed.failure).toMatchObject({ batchId: batch, topic: "t", partition: 0, offset: 3 });
    expect(jobDtoSchema.safeParse(failed).error).toBeUndefined();
  });
});
