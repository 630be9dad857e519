/**
 * GET /api/metrics in Prometheus text format (prom-client). Gauges and counters are rebuilt from the database
 * on every scrape (the web layer holds no job state: the runtime runs in another module graph); the batch
 * processing-time histogram is cumulative for this process's life, fed incrementally from new batches.
 * Labels: `job_name` rather than `job`, which Prometheus reserves for the scrape job.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { jobStatuses } from "@/lib/contracts/jobs";
import { readEvaluations, readLatestTick, TOTAL_PARTITION } from "../lag/lag-store";
import { listJobs } from "../stores/job-store";
import type { Db } from "../stores/tx";

const LAG_STATUSES = ["OK", "WARN", "ERR"] as const;

interface HistogramHolder {
  registry: Registry;
  histogram: Histogram<"job_name">;
  /** Batches with ids up to here were observed */
  watermark: number;
}

const holder = globalThis as unknown as { tidemarkBatchHistogram?: HistogramHolder };

function histogramHolder(): HistogramHolder {
  if (!holder.tidemarkBatchHistogram) {
    const registry = new Registry();
    const histogram = new Histogram({
      name: "tidemark_job_batch_processing_seconds",
      help: "Processing time of succeeded batches (read and commit), per job, since this server started",
      labelNames: ["job_name"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    holder.tidemarkBatchHistogram = { registry, histogram, watermark: 0 };
  }
  return holder.tidemarkBatchHistogram;
}

/** Observes batches finished since the last scrape; never passes a batch that is still in flight. */
async function observeNewBatches(db: Db, names: Map<string, string>): Promise<void> {
  const h = histogramHolder();
  const unfinished = await db.batch.findFirst({ where: { status: { in: ["planned", "running"] }, id: { gt: h.watermark } }, orderBy: { id: "asc" }, select: { id: true } });
  const limit = unfinished ? unfinished.id : Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = await db.batch.findMany({
      where: { id: { gt: h.watermark, lt: limit } },
      orderBy: { id: "asc" },
      take: 5000,
      select: { id: true, jobId: true, status: true, processingTimeMs: true },
    });
    for (const b of rows) {
      if (b.status === "succeeded" && b.processingTimeMs !== null && names.has(b.jobId)) h.histogram.observe({ job_name: names.get(b.jobId)! }, b.processingTimeMs / 1000);
    }
    if (rows.length > 0) h.watermark = rows[rows.length - 1].id;
    if (rows.length < 5000) break;
  }
}

export async function renderMetrics(db: Db): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[]) => new Gauge({ name, help, labelNames, registers: [registry] });
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers: [registry] });

  const [jobs, jobSamples, groupSamples, jobEvals, groupEvals, deadLetters, states] = await Promise.all([
    listJobs(db),
    readLatestTick(db, "job"),
    readLatestTick(db, "group"),
    readEvaluations(db, "job"),
    readEvaluations(db, "group"),
    db.deadLetter.groupBy({ by: ["jobId"], _count: { _all: true } }),
    db.alertState.findMany({ select: { ruleId: true, state: true } }),
  ]);
  const names = new Map(jobs.map((j) => [j.id, j.name]));
  await observeNewBatches(db, names);

  const partitionLag = gauge("tidemark_job_partition_lag_records", "Records a job's partition is behind the log end, at the latest lag sample", ["job_name", "topic", "partition"]);
  const partitionTimeLag = gauge("tidemark_job_partition_time_lag_seconds", "Age of the oldest record a job's partition has not read (0 when caught up)", ["job_name", "topic", "partition"]);
  const jobLag = gauge("tidemark_job_lag_records", "Records a job is behind, summed over its partitions", ["job_name"]);
  const jobTimeLag = gauge("tidemark_job_time_lag_seconds", "Age of the oldest record the job has not read", ["job_name"]);
  for (const s of jobSamples) {
    const job = names.get(s.subject);
    if (!job) continue;
    if (s.partition === TOTAL_PARTITION) {
      jobLag.set({ job_name: job }, s.lag);
      jobTimeLag.set({ job_name: job }, s.timeLagMs / 1000);
    } else {
      const labels = { job_name: job, topic: s.topic, partition: String(s.partition) };
      partitionLag.set(labels, s.lag);
      partitionTimeLag.set(labels, s.timeLagMs / 1000);
    }
  }

  const processed = counter("tidemark_job_records_processed_total", "Records the job's committed batches have processed", ["job_name"]);
  const status = gauge("tidemark_job_status", "The job's runtime status: 1 for the current one", ["job_name", "status"]);
  const dead = counter("tidemark_job_dead_letter_records_total", "Records skipped into the dead-letter table (onError = skip)", ["job_name"]);
  const deadByJob = new Map(deadLetters.map((d) => [d.jobId, d._count._all]));
  for (const job of jobs) {
    processed.inc({ job_name: job.name }, job.recordsProcessed);
    for (const s of jobStatuses) status.set({ job_name: job.name, status: s }, job.status === s ? 1 : 0);
    dead.inc({ job_name: job.name }, deadByJob.get(job.id) ?? 0);
  }

  const lagStatus = gauge("tidemark_job_lag_status", "Burrow-style lag status of the job: 1 for the current one", ["job_name", "status"]);
  for (const e of jobEvals) {
    const job = names.get(e.subject);
    if (job) for (const s of LAG_STATUSES) lagStatus.set({ job_name: job, status: s }, e.status === s ? 1 : 0);
  }

  const groupLag = gauge("tidemark_consumer_group_lag_records", "Records a consumer group is behind, summed over its partitions", ["group"]);
  const groupPartitionLag = gauge("tidemark_consumer_group_partition_lag_records", "Records a consumer group's partition is behind", ["group", "topic", "partition"]);
  for (const s of groupSamples) {
    if (s.partition === TOTAL_PARTITION) groupLag.set({ group: s.subject }, s.lag);
    else groupPartitionLag.set({ group: s.subject, topic: s.topic, partition: String(s.partition) }, s.lag);
  }
  const groupStatus = gauge("tidemark_consumer_group_status", "Burrow-style lag status of the consumer group: 1 for the current one", ["group", "status"]);
  for (const e of groupEvals) for (const s of LAG_STATUSES) groupStatus.set({ group: e.subject, status: s }, e.status === s ? 1 : 0);

  const rules = await db.alertRule.findMany({ select: { id: true, name: true, severity: true, enabled: true } });
  const alerts = gauge("tidemark_alerts", "Open alerts per rule and state (pending: condition holds, not yet for long enough)", ["rule", "severity", "state"]);
  for (const r of rules) {
    if (!r.enabled) continue;
    for (const state of ["pending", "firing"]) alerts.set({ rule: r.name, severity: r.severity, state }, states.filter((s) => s.ruleId === r.id && s.state === state).length);
  }

  const merged = Registry.merge([registry, histogramHolder().registry]);
  return { contentType: registry.contentType, body: await merged.metrics() };
}
