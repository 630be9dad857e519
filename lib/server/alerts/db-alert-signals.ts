/**
 * AlertSignals from the database: the lag sampler's latest evaluation of each job and consumer group
 * (LagEvaluation: total lag, time lag, ETA, Burrow status), the jobs' runtime status, their newest batches
 * their dead-letter records and their lease owners; plus, from the process that runs the runtime, whether it
 * is down. Reads only; a dead Kafka never blocks it.
 */
import type { AlertTargetSignals } from "@/lib/domain/alert-conditions";
import type { AlertSignals, SignalNeeds } from "@/lib/domain/alert-signals";
import { databaseNowMs, jobIdOfLease, listLeases } from "../cluster/lease-store";
import { env } from "../env";
import { readEvaluations, type EvaluationRow } from "../lag/lag-store";
import { listJobs, type JobRecord } from "../stores/job-store";
import type { Db } from "../stores/tx";

const ETA_STATES = new Set(["caught-up", "catching-up", "never", "unknown"]);
/** Batches still to commit (a failed one is retried) */
const IN_FLIGHT = new Set(["planned", "running", "failed"]);
/** A job whose newest batch ended longer ago than this (or 3 intervals) and has none in flight is idle, not falling behind */
const IDLE_AFTER_MS = 30_000;

export class DbAlertSignals implements AlertSignals {
  constructor(
    private readonly db: Db,
    /** The lag sampling interval: an evaluation older than 3 of them (at least 15 s) is stale, i.e. ERR */
    private readonly sampleIntervalMs: number,
    /** When the job runtime process went down, null while it runs (absent: the runtime runs in this process) */
    private readonly runtimeDownSince?: () => number | null,
    /** TIDEMARK_LEASE_TTL_MS: how long a wanted job may wait for an instance to take its lease */
    private readonly leaseTtlMs: number = env().TIDEMARK_LEASE_TTL_MS,
  ) {}

  async read(nowMs: number, needs: SignalNeeds): Promise<AlertTargetSignals[]> {
    const [jobs, jobEvals, groupEvals] = await Promise.all([
      listJobs(this.db),
      readEvaluations(this.db, "job"),
      needs.groups ? readEvaluations(this.db, "group") : Promise.resolve([] as EvaluationRow[]),
    ]);
    const byJob = new Map(jobEvals.map((e) => [e.subject, e]));
    const deadLetters = await this.deadLettersAdded(nowMs, needs.deadLetterWindowsMs);
    const runtimeDown = (this.runtimeDownSince?.() ?? null) !== null;
    const unowned = await this.jobsWithoutLiveOwner(jobs, nowMs);
    const streaks = needs.slowBatchWindow > 0 ? await this.slowBatchStreaks(jobs, needs.slowBatchWindow, nowMs) : new Map<string, number>();

    const out: AlertTargetSignals[] = jobs.map((job) => ({
      key: `job:${job.id}`,
      kind: "job",
      id: job.id,
      name: job.name,
      ...this.lagSignals(byJob.get(job.id), nowMs),
      job: {
        status: job.status,
        desiredState: job.desiredState,
        statusMessage: job.statusMessage,
        slowBatchStreak: streaks.get(job.id) ?? 0,
        deadLettersAdded: Object.fromEntries(needs.deadLetterWindowsMs.map((w) => [w, deadLetters.get(w)?.get(job.id) ?? 0])),
        runtimeDown,
        noLiveOwner: unowned.has(job.id),
      },
    }));
    for (const g of groupEvals) out.push({ key: `group:${g.subject}`, kind: "group", id: g.subject, name: g.subject, ...this.lagSignals(g, nowMs) });
    return out;
  }

  private lagSignals(e: EvaluationRow | undefined, nowMs: number): Pick<AlertTargetSignals, "lag" | "timeLagMs" | "eta" | "status"> {
    if (!e) return { lag: null, timeLagMs: null, eta: null, status: null };
    const stale = nowMs - e.ts > Math.max(3 * this.sampleIntervalMs, 15_000);
    const status = stale ? "ERR" : e.status === "WARN" || e.status === "ERR" ? e.status : "OK";
    const etaState = ETA_STATES.has(e.etaState) ? (e.etaState as NonNullable<AlertTargetSignals["eta"]>["state"]) : "unknown";
    return { lag: e.totalLag, timeLagMs: e.timeLagMs, eta: { state: etaState, ms: e.etaMs }, status };
  }

  /**
   * Per job: how many of its newest succeeded batches in a row took longer than the batch interval, while the
   * job is still at it. A job falling behind starts its next batch as soon as one ends, so it has a batch in
   * flight or one that ended moments ago; a job with neither (nothing to read since: caught up), or one asked
   * to stop, is not falling behind, whatever its last batches took.
   */
  private async slowBatchStreaks(jobs: { id: string; batchIntervalMs: number; desiredState: string }[], window: number, nowMs: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const job of jobs) {
      const [batches, newest] = await Promise.all([
        this.db.batch.findMany({ where: { jobId: job.id, status: "succeeded" }, orderBy: { id: "desc" }, take: window, select: { processingTimeMs: true } }),
        this.db.batch.findFirst({ where: { jobId: job.id }, orderBy: { id: "desc" }, select: { status: true, completedAt: true } }),
      ]);
      const inFlight = newest !== null && IN_FLIGHT.has(newest.status);
      // Waiting for a batch slot (other jobs' batches) plans nothing: allow for that.
      const endedLately = newest?.completedAt != null && nowMs - newest.completedAt.getTime() <= Math.max(3 * job.batchIntervalMs, IDLE_AFTER_MS);
      let streak = 0;
      if (job.desiredState === "running" && (inFlight || endedLately)) {
        for (const b of batches) {
          if ((b.processingTimeMs ?? 0) <= job.batchIntervalMs) break;
          streak++;
        }
      }
      out.set(job.id, streak);
    }
    return out;
  }

  /**
   * Jobs no instance holds a live lease on, on the database clock. An expired lease counts at once (its owner
   * went silent a TTL ago); a missing or released one once the job has been left alone for a TTL, the time
   * an instance has to take a job just asked to run or handed over.
   */
  private async jobsWithoutLiveOwner(jobs: JobRecord[], nowMs: number): Promise<Set<string>> {
    const [leases, dbNowMs] = await Promise.all([listLeases(this.db, "job:"), databaseNowMs(this.db)]);
    const byJob = new Map(leases.map((l) => [jobIdOfLease(l.name), l]));
    const out = new Set<string>();
    for (const job of jobs) {
      const lease = byJob.get(job.id);
      const owned = lease !== undefined && lease.owner !== null;
      if (owned && lease.expiresAt > dbNowMs) continue;
      if (owned || nowMs - job.updatedAt.getTime() > this.leaseTtlMs) out.add(job.id);
    }
    return out;
  }

  /** Per window: dead-letter records added per job within it. */
  private async deadLettersAdded(nowMs: number, windows: number[]): Promise<Map<number, Map<string, number>>> {
    const out = new Map<number, Map<string, number>>();
    for (const w of new Set(windows)) {
      const rows = await this.db.deadLetter.groupBy({ by: ["jobId"], where: { createdAt: { gte: new Date(nowMs - w) } }, _count: { _all: true } });
      out.set(w, new Map(rows.map((r) => [r.jobId, r._count._all])));
    }
    return out;
  }
}
