/**
 * The lag sampler: every interval it records, for every job partition and every consumer group partition,
 * the committed offset, the log start and end, the lag in records and the time lag (age of the oldest
 * unconsumed record), evaluates each job and group with Burrow's rules, and rolls old samples up.
 * Lifecycle: start() after the job coordinator, stop() before it (lib/server/boot.ts).
 */
import { evaluatePartition, evaluateSubject, type EvaluationSettings, type SampleForEvaluation } from "@/lib/domain/lag-evaluation";
import { rollupTiers, type RollupTier } from "@/lib/domain/lag-retention";
import { positionKey, type ConsumerGroupInfo, type GroupCommittedOffset, type LagSource, type RecordPosition } from "@/lib/domain/lag-source";
import type { Clock } from "@/lib/domain/ports";
import { partitionKey, type PartitionLogOffsets } from "@/lib/domain/types";

import { listJobs } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { readRawSamples, TOTAL_PARTITION, TOTAL_TOPIC, writeTick, type EvaluationRow, type LagRow } from "./lag-store";
import { rollupAndPrune } from "./lag-rollup";
import { runPeriodically } from "../periodic-loop";
import { groupSubject, jobSubject, totalRow, type PreviousSample, type StoredPosition, type Subject } from "./lag-subjects";

export interface LagSamplerDeps {
  db: Db;
  source: LagSource;
  clock: Clock;
  intervalMs: number;
  retentionMs: number;
  /** Commits in Burrow's evaluation window (its `intervals`); default 10. */
  windowSize?: number;
  /** How long consumer groups' per-partition samples are kept (their totals keep the full retention); default 15 min. */
  groupPartitionKeepMs?: number;
  /** How often roll-ups and pruning run; default every minute. */
  maintenanceEveryMs?: number;
  /** Sample every consumer group of the cluster too; default true. */
  groups?: boolean;
  log?: (message: string) => void;
  /** Called after each tick that wrote its samples (alerting evaluates its rules then) */
  onSampled?: () => void;
}

export interface TickStats {
  ms: number;
  rows: number;
  jobs: number;
  groups: number;
  timestampLookups: number;
}

const GROUP_FETCH_CONCURRENCY = 16;

export class LagSampler {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  /** Recent raw rows per series (kind/subject/topic/partition), newest last: Burrow's window. */
  private readonly windows = new Map<string, LagRow[]>();
  private timestamps = new Map<string, number>();
  private lastMaintenance = 0;
  private readonly tiers: RollupTier[];
  private readonly windowSize: number;

  constructor(private readonly deps: LagSamplerDeps) {
    this.tiers = rollupTiers(deps.retentionMs, deps.intervalMs);
    this.windowSize = deps.windowSize ?? 10;
  }

  async start(): Promise<void> {
    await this.restoreWindows();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  /** One sampling round; exposed for tests and the benchmark. */
  async tick(): Promise<TickStats> {
    const { db, source, clock } = this.deps;
    const started = performance.now();
    const now = clock.now();

    const [jobs, stored, groupData] = await Promise.all([
      listJobs(db),
      db.jobOffset.findMany({ select: { jobId: true, topic: true, partition: true, offset: true, updatedAt: true } }),
      this.deps.groups === false ? Promise.resolve([]) : this.readGroups(),
    ]);
    const topics = [...new Set([...jobs.flatMap((j) => j.topics), ...groupData.flatMap((g) => g.offsets.map((o) => o.topic))])].sort();
    const log = new Map((await source.logOffsets(topics)).map((o) => [partitionKey(o), o]));

    const storedByJob = new Map<string, Map<string, StoredPosition>>();
    for (const s of stored) {
      const map = storedByJob.get(s.jobId) ?? new Map();
      map.set(partitionKey(s), { topic: s.topic, partition: s.partition, offset: Number(s.offset), updatedAt: s.updatedAt.getTime() });
      storedByJob.set(s.jobId, map);
    }

    const subjects: Subject[] = [
      ...jobs.map((job) => jobSubject(job, storedByJob.get(job.id) ?? new Map(), log, now, this.previous)),
      ...groupData.map((g) => groupSubject(g.info, g.offsets, log, now, this.previous)),
    ];
    const lookups = await this.fillTimeLags(subjects.flatMap((s) => s.rows), log, now);
    for (const s of subjects) s.rows.push(totalRow(s, now));

    const rows = subjects.flatMap((s) => s.rows);
    for (const r of rows) this.remember(r);
    const evaluations = subjects.map((s) => this.evaluate(s, now));
    await writeTick(db, rows, evaluations, now);

    if (now - this.lastMaintenance >= (this.deps.maintenanceEveryMs ?? 60_000)) {
      this.lastMaintenance = now;
      await rollupAndPrune(db, now, this.tiers, this.deps.groupPartitionKeepMs ?? 15 * 60_000);
    }
    return { ms: performance.now() - started, rows: rows.length, jobs: jobs.length, groups: groupData.length, timestampLookups: lookups };
  }

  private run(): Promise<void> {
    const { clock, intervalMs } = this.deps;
    const tick = async () => {
      await this.tick();
      this.deps.onSampled?.();
    };
    return runPeriodically({ clock, intervalMs, signal: this.abort.signal, tick, activity: "lag sampling", say: (m) => this.say(m) });
  }

  private say(message: string) {
    (this.deps.log ?? ((m: string) => console.warn(`[tidemark] ${m}`)))(message);
  }

  private async readGroups(): Promise<{ info: ConsumerGroupInfo; offsets: GroupCommittedOffset[] }[]> {
    let groups: ConsumerGroupInfo[];
    try {
      groups = await this.deps.source.groups();
    } catch (error) {
      this.say(`listing consumer groups failed: ${error instanceof Error ? error.message : error}`);
      return [];
    }
    const out: { info: ConsumerGroupInfo; offsets: GroupCommittedOffset[] }[] = [];
    for (let i = 0; i < groups.length; i += GROUP_FETCH_CONCURRENCY) {
      const slice = groups.slice(i, i + GROUP_FETCH_CONCURRENCY);
      const offsets = await Promise.all(slice.map((g) => this.deps.source.groupOffsets(g.groupId).catch(() => null)));
      slice.forEach((info, j) => {
        if (offsets[j] && offsets[j]!.length > 0) out.push({ info, offsets: offsets[j]! });
      });
    }
    return out;
  }

  /** Time lag: now − timestamp of the record at the consumer's position; one fetch per leader for all lagging partitions. */
  private async fillTimeLags(rows: LagRow[], log: Map<string, PartitionLogOffsets>, now: number): Promise<number> {
    const positionOf = (r: LagRow): RecordPosition => {
      const o = log.get(partitionKey(r))!;
      const committed = r.committedOffset ?? o.logEndOffset - r.lag;
      return { topic: r.topic, partition: r.partition, offset: Math.max(committed, o.logStartOffset) };
    };
    const wanted = new Map<string, RecordPosition>();
    for (const r of rows) if (r.lag > 0) wanted.set(positionKey(positionOf(r)), positionOf(r));
    const missing = [...wanted.entries()].filter(([key]) => !this.timestamps.has(key)).map(([, p]) => p);
    const fetched = missing.length > 0 ? await this.deps.source.recordTimestamps(missing).catch(() => new Map<string, number>()) : new Map<string, number>();
    const next = new Map<string, number>();
    for (const key of wanted.keys()) {
      const ts = this.timestamps.get(key) ?? fetched.get(key);
      if (ts !== undefined) next.set(key, ts);
    }
    this.timestamps = next; // keep only positions still in use: a moved consumer's old position is dropped
    for (const r of rows) {
      if (r.lag <= 0) continue;
      const ts = next.get(positionKey(positionOf(r)));
      r.timeLagMs = ts === undefined ? (this.previous(r.kind, r.subject, r.topic, r.partition)?.timeLagMs ?? 0) : Math.max(0, now - ts);
    }
    return missing.length;
  }

  private evaluate(s: Subject, now: number): EvaluationRow {
    const settings: EvaluationSettings = { nowMs: now, intervalMs: this.deps.intervalMs, windowSize: this.windowSize };
    const partitions = s.rows
      .filter((r) => r.partition !== TOTAL_PARTITION)
      .map((r) => {
        const window = (this.windows.get(seriesKey(r.kind, r.subject, r.topic, r.partition)) ?? []).map(forEvaluation);
        return { topic: r.topic, partition: r.partition, ...evaluatePartition(window, settings) };
      });
    const totals = (this.windows.get(seriesKey(s.kind, s.subject, TOTAL_TOPIC, TOTAL_PARTITION)) ?? []).map((r) => ({
      ts: r.ts,
      lag: r.lag,
      position: r.committedOffset ?? 0,
      logEnd: r.logEndOffset,
    }));
    const e = evaluateSubject(partitions, totals, now, settings);
    const total = s.rows.find((r) => r.partition === TOTAL_PARTITION)!;
    return {
      kind: s.kind,
      subject: s.subject,
      ts: now,
      status: e.status,
      worst: e.worst,
      totalLag: total.lag,
      timeLagMs: total.timeLagMs,
      lagPerSec: e.trend?.lagPerSec ?? 0,
      consumeRate: e.trend?.consumeRate ?? 0,
      produceRate: e.trend?.produceRate ?? 0,
      etaState: e.eta.state,
      etaMs: e.eta.ms,
      partitions: partitions.map((p) => ({ topic: p.topic, partition: p.partition, status: p.status, complete: p.complete })),
    };
  }

  private readonly previous: PreviousSample = (kind, subject, topic, partition) => this.windows.get(seriesKey(kind, subject, topic, partition))?.at(-1);

  private remember(r: LagRow): void {
    const key = seriesKey(r.kind, r.subject, r.topic, r.partition);
    const list = this.windows.get(key) ?? [];
    list.push(r);
    if (list.length > this.windowSize * 3) list.splice(0, list.length - this.windowSize * 3);
    this.windows.set(key, list);
  }

  /** After a restart, the windows continue from the stored samples instead of starting empty. */
  private async restoreWindows(): Promise<void> {
    const since = this.deps.clock.now() - this.windowSize * 3 * this.deps.intervalMs;
    for (const r of await readRawSamples(this.deps.db, since)) this.remember(r);
  }
}

function seriesKey(kind: string, subject: string, topic: string, partition: number): string {
  return `${kind}\u0000${subject}\u0000${topic}\u0000${partition}`;
}

function forEvaluation(r: LagRow): SampleForEvaluation {
  return { ts: r.ts, committedOffset: r.committedOffset, logEndOffset: r.logEndOffset, lag: r.lag, timeLagMs: r.timeLagMs, isCommit: r.isCommit, commitTs: r.commitTs };
}

