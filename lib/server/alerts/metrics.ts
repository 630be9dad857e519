/**
 * GET /api/metrics in Prometheus text format (prom-client). Gauges and counters are rebuilt from the database
 * on every scrape (the web layer holds no job state: the runtime runs in another module graph), except what
 * BatchMetrics keeps: the batch processing-time histogram (since this process started) and the records
 * processed, both fed incrementally from the batch table.
 * Labels: `job_name` rather than `job`, which Prometheus reserves for the scrape job.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { committedBatchStatuses, jobStatuses, unfinishedBatchStatuses } from "@/lib/domain/statuses";
import { readEvaluations, readLatestTick, TOTAL_PARTITION } from "../lag/lag-store";
import { listJobs } from "../stores/job-store";
import type { Db } from "../stores/tx";

const LAG_STATUSES = ["OK", "WARN", "ERR"] as const;

const COMMITTED: string[] = [...committedBatchStatuses];
const UNFINISHED: string[] = [...unfinishedBatchStatuses];

type BatchRow = { id: number; jobId: string; status: string; records: number; processingTimeMs: number | null };
const BATCH_SELECT = { id: true, jobId: true, status: true, records: true, processingTimeMs: true } as const;

/**
 * What this process has seen of the batch table, kept between scrapes: the processing-time histogram of
 * batches that committed since the process started, and each job's committed records over its life. Every
 * batch is looked at once when it first appears; one that has not finished yet is remembered and looked at
 * again on each scrape until it commits (observed then, once) or is abandoned. So a job stopped in the middle
 * of a batch holds back nothing but that batch, and a batch that commits after later ones is still counted.
 */
export class BatchMetrics {
  readonly registry = new Registry();
  private readonly histogram: Histogram<"job_name">;
  /** Batches with ids up to here have been looked at (null: not yet initialised) */
  private watermark: number | null = null;
  /** Ids at or below the watermark that had not finished when looked at */
  private readonly unfinished = new Set<number>();
  /** Job id → records of its committed batches (never decreases: a rollback does not take them back) */
  private readonly processed = new Map<string, number>();
  private readonly labelled = new Set<string>();

  /** @param startedAtMs the histogram counts batches that committed from then on (the process start) */
  constructor(private readonly startedAtMs: number) {
    this.histogram = new Histogram({
      name: "tidemark_job_batch_processing_seconds",
      help: "Processing time (read and commit) of the job's batches that committed since this server process started",
      labelNames: ["job_name"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
  }

  /** Brings the histogram and the processed counts up to date with the batch table. */
  async update(db: Db, names: Map<string, string>): Promise<void> {
    // First (zero() resets a series): every job has its series from the start (rate() needs a first value); deleted jobs lose theirs.
    const current = new Set(names.values());
    for (const name of current) {
      if (!this.labelled.has(name)) this.histogram.zero({ job_name: name });
      this.labelled.add(name);
    }
    for (const name of [...this.labelled]) {
      if (current.has(name)) continue;
      this.histogram.remove({ job_name: name });
      this.labelled.delete(name);
    }
    for (const id of [...this.processed.keys()]) if (!names.has(id)) this.processed.delete(id);
    if (this.watermark === null) await this.initialise(db, names);
    if (this.unfinished.size > 0) {
      const ids = [...this.unfinished];
      const rows = await db.batch.findMany({ where: { id: { in: ids } }, select: BATCH_SELECT });
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids) {
        const row = byId.get(id);
        if (row && UNFINISHED.includes(row.status)) continue;
        this.unfinished.delete(id); // committed (observed now), abandoned, or deleted with its job
        if (row && COMMITTED.includes(row.status)) this.observe(row, names, true);
      }
    }
    for (;;) {
      const rows = await db.batch.findMany({ where: { id: { gt: this.watermark! } }, orderBy: { id: "asc" }, take: 5000, select: BATCH_SELECT });
      for (const row of rows) {
        if (COMMITTED.includes(row.status)) this.observe(row, names, true);
        else if (UNFINISHED.includes(row.status)) this.unfinished.add(row.id);
      }
      if (rows.length > 0) this.watermark = rows[rows.length - 1].id;
      if (rows.length < 5000) break;
    }
  }

  /** Records of the job's committed batches, as far as this process has looked. */
  recordsProcessed(jobId: string): number {
    return this.processed.get(jobId) ?? 0;
  }

  /**
   * First look, in one read transaction (one snapshot): each job's committed records so far, the batches
   * that committed since the process started (into the histogram), and those not finished yet.
   */
  private async initialise(db: Db, names: Map<string, string>): Promise<void> {
    // Old succeeded and cleared batches are pruned (runtime/batch-history.ts): their records live on in
    // Job.recordsProcessed (a rollback takes its batches' records out of it, and those batches are kept).
    const [newest, jobs, rolledBack, recent, open] = await db.$transaction([
      db.batch.findFirst({ orderBy: { id: "desc" }, select: { id: true } }),
      db.job.findMany({ select: { id: true, recordsProcessed: true } }),
      db.batch.groupBy({ by: ["jobId"], where: { status: "rolled back" }, orderBy: { jobId: "asc" }, _sum: { records: true } }),
      db.batch.findMany({ where: { status: { in: COMMITTED }, completedAt: { gte: new Date(this.startedAtMs) } }, select: BATCH_SELECT }),
      db.batch.findMany({ where: { status: { in: UNFINISHED } }, select: { id: true } }),
    ]);
    for (const j of jobs) this.processed.set(j.id, Number(j.recordsProcessed));
    for (const t of rolledBack) this.processed.set(t.jobId, (this.processed.get(t.jobId) ?? 0) + (t._sum?.records ?? 0));
    for (const row of recent) this.observe(row, names, false);
    for (const row of open) this.unfinished.add(row.id);
    this.watermark = newest?.id ?? 0;
  }

  private observe(row: BatchRow, names: Map<string, string>, countRecords: boolean) {
    // Counted even for a job created after `names` was read: its batch is not looked at again.
    if (countRecords) this.processed.set(row.jobId, (this.processed.get(row.jobId) ?? 0) + row.records);
    const name = names.get(row.jobId);
    if (name !== undefined && row.processingTimeMs !== null) this.histogram.observe({ job_name: name }, row.processingTimeMs / 1000);
  }
}

const holder = globalThis as unknown as { tidemarkBatchMetrics?: BatchMetrics };

/** This process's batch metrics; the histogram starts at the process start. */
function processBatchMetrics(): BatchMetrics {
  holder.tidemarkBatchMetrics ??= new BatchMetrics(performance.timeOrigin);
  return holder.tidemarkBatchMetrics;
}

export async function renderMetrics(db: Db, batches: BatchMetrics = processBatchMetrics()): Promise<{ contentType: string; body: string }> {
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
  await batches.update(db, names);

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

  const processed = counter("tidemark_job_records_processed_total", "Records of the job's committed batches, including batches a replay later rolled back (never decreases)", ["job_name"]);
  const status = gauge("tidemark_job_status", "The job's runtime status: 1 for the current one", ["job_name", "status"]);
  const dead = counter("tidemark_job_dead_letter_records_total", "Records skipped into the dead-letter table (onError = skip)", ["job_name"]);
  const deadByJob = new Map(deadLetters.map((d) => [d.jobId, d._count._all]));
  for (const job of jobs) {
    processed.inc({ job_name: job.name }, batches.recordsProcessed(job.id));
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

  const merged = Registry.merge([registry, batches.registry]);
  return { contentType: registry.contentType, body: await merged.metrics() };
}
