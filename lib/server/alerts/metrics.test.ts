/** The batch metrics of GET /api/metrics against a real (temp) SQLite database, read back through a real Prometheus text parser. */
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { beforeEach, describe, expect, it } from "vitest";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { insertJob } from "../stores/job-store";
import { BatchMetrics, renderMetrics } from "./metrics";

const db = tempDatabaseForTests();
let a: string;
let b: string;

beforeEach(async () => {
  await db.job.deleteMany();
  const job = (name: string) => insertJob(db, { name, topics: [name], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest" });
  a = (await job("a")).id;
  b = (await job("b")).id;
});

async function batch(jobId: string, status: string, records: number, processingTimeMs: number | null, completedAt: Date | null = status === "succeeded" ? new Date() : null) {
  return (await db.batch.create({ data: { jobId, batchTime: new Date(), status, records, processingTimeMs, completedAt } })).id;
}

async function succeed(id: number, processingTimeMs: number) {
  await db.batch.update({ where: { id }, data: { status: "succeeded", processingTimeMs, completedAt: new Date() } });
}

/** Per job: the histogram's count and sum, and the records-processed counter, as Prometheus reads them. */
async function scrape(metrics: BatchMetrics) {
  const { body } = await renderMetrics(db, metrics);
  const families = new Map(parsePrometheusTextFormat(body).map((f) => [f.name, f]));
  const histogram = families.get("tidemark_job_batch_processing_seconds");
  const processed = families.get("tidemark_job_records_processed_total")!;
  expect(histogram?.type).toBe("HISTOGRAM");
  expect(processed.type).toBe("COUNTER");
  // The parser flattens a labelled histogram into one unlabelled set: read count and sum per job off the text.
  const sample = (suffix: string, job: string) => Number(new RegExp(`^tidemark_job_batch_processing_seconds_${suffix}\\{job_name="${job}"\\} (\\S+)$`, "m").exec(body)?.[1] ?? NaN);
  const out: Record<string, { count: number; sum: number; records: number }> = {};
  for (const m of processed.metrics) {
    const job = m.labels!.job_name;
    out[job] = { count: sample("count", job), sum: Math.round(sample("sum", job) * 1e6) / 1e6, records: Number(m.value) };
  }
  return out;
}

describe("batch metrics", () => {
  it("a job stopped in the middle of a batch holds back only that batch; it is observed once when it commits later", async () => {
    const metrics = new BatchMetrics(Date.now());
    expect(await scrape(metrics)).toEqual({ a: { count: 0, sum: 0, records: 0 }, b: { count: 0, sum: 0, records: 0 } });

    // Job a was stopped mid-batch: its batch stays `running` until it is started again. Job b keeps going.
    const stuck = await batch(a, "running", 0, null);
    await batch(b, "succeeded", 10, 100);
    await batch(b, "succeeded", 20, 300);
    expect(await scrape(metrics)).toEqual({ a: { count: 0, sum: 0, records: 0 }, b: { count: 2, sum: 0.4, records: 30 } });
    await batch(b, "succeeded", 5, 200);
    expect((await scrape(metrics)).b).toEqual({ count: 3, sum: 0.6, records: 35 });

    // Restarted: a's old batch commits after b's later ones, and counts exactly once.
    await db.batch.update({ where: { id: stuck }, data: { records: 7 } });
    await succeed(stuck, 1500);
    expect((await scrape(metrics)).a).toEqual({ count: 1, sum: 1.5, records: 7 });
    expect((await scrape(metrics)).a).toEqual({ count: 1, sum: 1.5, records: 7 });
  });

  it("a failed batch that succeeds on retry counts once; an abandoned one never", async () => {
    const metrics = new BatchMetrics(Date.now());
    await scrape(metrics);
    const retried = await batch(a, "failed", 0, null);
    const abandoned = await batch(b, "planned", 0, null);
    expect((await scrape(metrics)).a.count).toBe(0);
    await db.batch.update({ where: { id: retried }, data: { status: "running" } });
    expect((await scrape(metrics)).a.count).toBe(0);
    await db.batch.update({ where: { id: retried }, data: { records: 3 } });
    await succeed(retried, 50);
    await db.batch.update({ where: { id: abandoned }, data: { status: "abandoned" } });
    expect(await scrape(metrics)).toEqual({ a: { count: 1, sum: 0.05, records: 3 }, b: { count: 0, sum: 0, records: 0 } });
    expect(await scrape(metrics)).toEqual({ a: { count: 1, sum: 0.05, records: 3 }, b: { count: 0, sum: 0, records: 0 } });
  });

  it("the histogram starts at the process start (no history on the first scrape); the counter carries the job's whole life", async () => {
    const startedAt = Date.now();
    // Before this process started: counted in records, not in the histogram.
    await batch(a, "succeeded", 100, 400, new Date(startedAt - 60_000));
    await batch(a, "rolled back", 50, 400, new Date(startedAt - 50_000));
    // After it started but before the first scrape: in both.
    await batch(a, "succeeded", 10, 20, new Date(startedAt + 1));
    // Still running at the first scrape: counted when it commits.
    const open = await batch(b, "running", 0, null);
    // What the runner and the rollback did to Job.recordsProcessed: 100 + 50 + 10, less the 50 rolled back.
    await db.job.update({ where: { id: a }, data: { recordsProcessed: 110n } });
    const metrics = new BatchMetrics(startedAt);
    expect(await scrape(metrics)).toEqual({ a: { count: 1, sum: 0.02, records: 160 }, b: { count: 0, sum: 0, records: 0 } });
    await db.batch.update({ where: { id: open }, data: { records: 4 } });
    await succeed(open, 30);
    expect((await scrape(metrics)).b).toEqual({ count: 1, sum: 0.03, records: 4 });
  });

  it("records processed never goes down: a rollback (replay) does not take records back", async () => {
    const metrics = new BatchMetrics(Date.now());
    await scrape(metrics);
    const first = await batch(a, "succeeded", 40, 10);
    await batch(a, "succeeded", 60, 10);
    await db.job.update({ where: { id: a }, data: { recordsProcessed: 100n } });
    expect((await scrape(metrics)).a.records).toBe(100);

    // What a replay with results = "rollback" does (lib/server/services/resets.ts).
    await db.batch.updateMany({ where: { jobId: a, id: { gte: first } }, data: { status: "rolled back" } });
    await db.job.update({ where: { id: a }, data: { recordsProcessed: { decrement: 100n } } });
    expect((await scrape(metrics)).a.records).toBe(100);
    // Reprocessed records count again: they were processed again.
    await batch(a, "succeeded", 100, 10);
    await db.job.update({ where: { id: a }, data: { recordsProcessed: { increment: 100n } } });
    expect((await scrape(metrics)).a.records).toBe(200);
    // A new process (a restart) reads the same total from the database.
    expect((await scrape(new BatchMetrics(Date.now()))).a.records).toBe(200);
    // Still after batch history pruning deleted old succeeded batches (runtime/batch-history.ts).
    await db.batch.deleteMany({ where: { jobId: a, status: "succeeded" } });
    expect((await scrape(new BatchMetrics(Date.now()))).a.records).toBe(200);
  });

  it("a deleted job's series go away", async () => {
    const metrics = new BatchMetrics(Date.now());
    await scrape(metrics);
    await batch(b, "succeeded", 1, 10);
    expect(Object.keys(await scrape(metrics))).toEqual(["a", "b"]);
    await db.job.delete({ where: { id: b } });
    expect(Object.keys(await scrape(metrics))).toEqual(["a"]);
  });
});
