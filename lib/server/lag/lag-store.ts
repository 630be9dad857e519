/**
 * Lag samples in SQLite: raw inserts, roll-ups into coarser buckets as rows age, pruning, and bucketed
 * range reads. Raw SQL: one multi-row statement per chunk keeps a tick of thousands of partitions cheap.
 */
import { chunk } from "@/lib/domain/chunk";
import { rollupCutoff, type RollupTier } from "@/lib/domain/lag-retention";
import type { Db } from "../stores/tx";

export type SubjectKind = "job" | "group";

/** topic/partition of a subject's total row */
export const TOTAL_TOPIC = "";
export const TOTAL_PARTITION = -1;

export interface LagRow {
  kind: SubjectKind;
  subject: string;
  topic: string;
  partition: number;
  ts: number;
  committedOffset: number | null;
  logStartOffset: number;
  logEndOffset: number;
  lag: number;
  timeLagMs: number;
  isCommit: boolean;
  commitTs: number | null;
}

export interface EvaluationRow {
  kind: SubjectKind;
  subject: string;
  ts: number;
  status: string;
  worst: string;
  totalLag: number;
  timeLagMs: number;
  lagPerSec: number;
  consumeRate: number;
  produceRate: number;
  etaState: string;
  etaMs: number | null;
  partitions: { topic: string; partition: number; status: string; complete: number }[];
}

const SAMPLE_COLUMNS = `"kind","subject","topic","partition","ts","resolution","committedOffset","logStartOffset","logEndOffset","lag","lagMin","lagMax","timeLagMs","timeLagMaxMs","samples","isCommit","commitTs"`;

/** Writes one tick: raw samples plus the subjects' evaluations, and drops evaluations of subjects that are gone. */
export async function writeTick(db: Db, rows: LagRow[], evaluations: EvaluationRow[], tickTs: number): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const part of chunk(rows, 900)) {
      await tx.$executeRawUnsafe(
        `INSERT OR REPLACE INTO "LagSample" (${SAMPLE_COLUMNS}) VALUES ${part.map(() => "(?,?,?,?,?,0,?,?,?,?,?,?,?,?,1,?,?)").join(",")}`,
        ...part.flatMap((r) => [
          r.kind, r.subject, r.topic, r.partition, r.ts, r.committedOffset, r.logStartOffset, r.logEndOffset,
          r.lag, r.lag, r.lag, r.timeLagMs, r.timeLagMs, r.isCommit ? 1 : 0, r.commitTs,
        ]),
      );
    }
    for (const part of chunk(evaluations, 500)) {
      await tx.$executeRawUnsafe(
        `INSERT OR REPLACE INTO "LagEvaluation" ("kind","subject","ts","status","worst","totalLag","timeLagMs","lagPerSec","consumeRate","produceRate","etaState","etaMs","partitions")
         VALUES ${part.map(() => "(?,?,?,?,?,?,?,?,?,?,?,?,?)").join(",")}`,
        ...part.flatMap((e) => [
          e.kind, e.subject, e.ts, e.status, e.worst, e.totalLag, e.timeLagMs, e.lagPerSec, e.consumeRate, e.produceRate, e.etaState, e.etaMs,
          JSON.stringify(e.partitions),
        ]),
      );
    }
    await tx.$executeRawUnsafe(`DELETE FROM "LagEvaluation" WHERE "ts" < ?`, tickTs);
  });
}

/**
 * Moves aged rows down the tiers (min/max/avg per bucket; committed and log offsets of the bucket's last
 * sample), deletes what is older than the retention, and drops consumer groups' per-partition samples
 * after `groupPartitionKeepMs` (their totals keep the full history).
 */
export async function rollupAndPrune(db: Db, nowMs: number, tiers: RollupTier[], groupPartitionKeepMs: number): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(
      `DELETE FROM "LagSample" WHERE "resolution" = 0 AND "ts" < ? AND "kind" = 'group' AND "partition" >= 0`,
      nowMs - groupPartitionKeepMs,
    );
    for (let i = 0; i < tiers.length - 1; i++) {
      const from = tiers[i];
      const to = tiers[i + 1];
      const cutoff = rollupCutoff(nowMs, from, to);
      const r = to.resolutionMs;
      await tx.$executeRawUnsafe(
        `WITH src AS (
           SELECT *, ("ts" / ${r}) * ${r} AS bucket FROM "LagSample" WHERE "resolution" = ? AND "ts" < ?
         ), agg AS (
           SELECT "kind", "subject", "topic", "partition", bucket, MAX("ts") AS lastTs, SUM("samples") AS n,
                  SUM("lag" * "samples") AS lagSum, MIN("lagMin") AS lagMin, MAX("lagMax") AS lagMax,
                  SUM("timeLagMs" * "samples") AS timeLagSum, MAX("timeLagMaxMs") AS timeLagMax, MAX("isCommit") AS isCommit
           FROM src GROUP BY "kind", "subject", "topic", "partition", bucket
         )
         INSERT INTO "LagSample" (${SAMPLE_COLUMNS})
         SELECT a."kind", a."subject", a."topic", a."partition", a.bucket, ${r}, s."committedOffset", s."logStartOffset", s."logEndOffset",
                CAST(ROUND(a.lagSum * 1.0 / a.n) AS INTEGER), a.lagMin, a.lagMax, CAST(ROUND(a.timeLagSum * 1.0 / a.n) AS INTEGER), a.timeLagMax,
                a.n, a.isCommit, s."commitTs"
         FROM agg a JOIN src s ON s."kind" = a."kind" AND s."subject" = a."subject" AND s."topic" = a."topic" AND s."partition" = a."partition" AND s."ts" = a.lastTs
         WHERE true
         ON CONFLICT ("kind", "subject", "topic", "partition", "ts", "resolution") DO UPDATE SET
           "lag" = CAST(ROUND(("LagSample"."lag" * "LagSample"."samples" + excluded."lag" * excluded."samples") * 1.0 / ("LagSample"."samples" + excluded."samples")) AS INTEGER),
           "timeLagMs" = CAST(ROUND(("LagSample"."timeLagMs" * "LagSample"."samples" + excluded."timeLagMs" * excluded."samples") * 1.0 / ("LagSample"."samples" + excluded."samples")) AS INTEGER),
           "lagMin" = MIN("LagSample"."lagMin", excluded."lagMin"),
           "lagMax" = MAX("LagSample"."lagMax", excluded."lagMax"),
           "timeLagMaxMs" = MAX("LagSample"."timeLagMaxMs", excluded."timeLagMaxMs"),
           "samples" = "LagSample"."samples" + excluded."samples",
           "isCommit" = MAX("LagSample"."isCommit", excluded."isCommit"),
           "committedOffset" = excluded."committedOffset", "logStartOffset" = excluded."logStartOffset",
           "logEndOffset" = excluded."logEndOffset", "commitTs" = excluded."commitTs"`,
        from.resolutionMs,
        cutoff,
      );
      await tx.$executeRawUnsafe(`DELETE FROM "LagSample" WHERE "resolution" = ? AND "ts" < ?`, from.resolutionMs, cutoff);
    }
    const last = tiers[tiers.length - 1];
    for (const t of tiers) await tx.$executeRawUnsafe(`DELETE FROM "LagSample" WHERE "resolution" = ? AND "ts" < ?`, t.resolutionMs, nowMs - last.keepMs);
  });
}

export interface SeriesPoint {
  /** Bucket start, epoch ms */
  ts: number;
  lag: number;
  lagMin: number;
  lagMax: number;
  timeLagMs: number;
  timeLagMaxMs: number;
  committedOffset: number | null;
  logEndOffset: number;
}

interface RawPoint {
  topic: string;
  partition: number | bigint;
  b: number | bigint;
  lagSum: number | bigint;
  n: number | bigint;
  lagMin: number | bigint;
  lagMax: number | bigint;
  timeLagSum: number | bigint;
  timeLagMax: number | bigint;
  committed: number | bigint | null;
  logEnd: number | bigint;
}

const POINT_SELECT = `"topic", "partition", CAST("ts" / CAST(? AS INTEGER) AS INTEGER) AS b, SUM("lag" * "samples") AS lagSum, SUM("samples") AS n, MIN("lagMin") AS lagMin, MAX("lagMax") AS lagMax,
  SUM("timeLagMs" * "samples") AS timeLagSum, MAX("timeLagMaxMs") AS timeLagMax, MAX("committedOffset") AS committed, MAX("logEndOffset") AS logEnd`;

function toPoint(r: RawPoint, bucketMs: number): SeriesPoint {
  const n = Number(r.n) || 1;
  return {
    ts: Number(r.b) * bucketMs,
    lag: Math.round(Number(r.lagSum) / n),
    lagMin: Number(r.lagMin),
    lagMax: Number(r.lagMax),
    timeLagMs: Math.round(Number(r.timeLagSum) / n),
    timeLagMaxMs: Number(r.timeLagMax),
    committedOffset: r.committed === null ? null : Number(r.committed),
    logEndOffset: Number(r.logEnd),
  };
}

/** One series (a partition, or the total with TOTAL_TOPIC/TOTAL_PARTITION), bucketed: every tier in the range. */
export async function readSeries(
  db: Db,
  q: { kind: SubjectKind; subject: string; topic: string; partition: number; fromMs: number; toMs: number; bucketMs: number },
): Promise<SeriesPoint[]> {
  const rows = await db.$queryRawUnsafe<RawPoint[]>(
    `SELECT ${POINT_SELECT} FROM "LagSample"
     WHERE "kind" = ? AND "subject" = ? AND "topic" = ? AND "partition" = ? AND "ts" >= ? AND "ts" <= ?
     GROUP BY b ORDER BY b`,
    q.bucketMs, q.kind, q.subject, q.topic, q.partition, q.fromMs, q.toMs,
  );
  return rows.map((r) => toPoint(r, q.bucketMs));
}

/** Every partition's series of a subject, bucketed. */
export async function readPartitionSeries(
  db: Db,
  q: { kind: SubjectKind; subject: string; fromMs: number; toMs: number; bucketMs: number },
): Promise<{ topic: string; partition: number; points: SeriesPoint[] }[]> {
  const rows = await db.$queryRawUnsafe<RawPoint[]>(
    `SELECT ${POINT_SELECT} FROM "LagSample"
     WHERE "kind" = ? AND "subject" = ? AND "ts" >= ? AND "ts" <= ? AND "partition" >= 0
     GROUP BY "topic", "partition", b ORDER BY "topic", "partition", b`,
    q.bucketMs, q.kind, q.subject, q.fromMs, q.toMs,
  );
  const out = new Map<string, { topic: string; partition: number; points: SeriesPoint[] }>();
  for (const r of rows) {
    const key = `${r.topic}:${r.partition}`;
    let series = out.get(key);
    if (!series) out.set(key, (series = { topic: r.topic, partition: Number(r.partition), points: [] }));
    series.points.push(toPoint(r, q.bucketMs));
  }
  return [...out.values()];
}

interface RawSample {
  kind: string;
  subject: string;
  topic: string;
  partition: number | bigint;
  ts: number | bigint;
  committedOffset: number | bigint | null;
  logStartOffset: number | bigint;
  logEndOffset: number | bigint;
  lag: number | bigint;
  timeLagMs: number | bigint;
  isCommit: number | bigint;
  commitTs: number | bigint | null;
}

function toRow(r: RawSample): LagRow {
  return {
    kind: r.kind as SubjectKind,
    subject: r.subject,
    topic: r.topic,
    partition: Number(r.partition),
    ts: Number(r.ts),
    committedOffset: r.committedOffset === null ? null : Number(r.committedOffset),
    logStartOffset: Number(r.logStartOffset),
    logEndOffset: Number(r.logEndOffset),
    lag: Number(r.lag),
    timeLagMs: Number(r.timeLagMs),
    isCommit: Number(r.isCommit) === 1,
    commitTs: r.commitTs === null ? null : Number(r.commitTs),
  };
}

/** Raw samples since a time (all subjects, or one): the sampler's window after a restart, and tests. */
export async function readRawSamples(db: Db, sinceMs: number, kind?: SubjectKind, subject?: string): Promise<LagRow[]> {
  const where = kind && subject ? `AND "kind" = ? AND "subject" = ?` : "";
  const rows = await db.$queryRawUnsafe<RawSample[]>(
    `SELECT * FROM "LagSample" WHERE "resolution" = 0 AND "ts" >= ? ${where} ORDER BY "ts"`,
    sinceMs,
    ...(kind && subject ? [kind, subject] : []),
  );
  return rows.map(toRow);
}

/** The newest tick's rows of one subject (or of every subject of a kind). */
export async function readLatestTick(db: Db, kind: SubjectKind, subject?: string): Promise<LagRow[]> {
  const rows = await db.$queryRawUnsafe<RawSample[]>(
    `SELECT * FROM "LagSample" WHERE "resolution" = 0 AND "kind" = ? ${subject !== undefined ? `AND "subject" = ?` : ""}
       AND "ts" = (SELECT MAX("ts") FROM "LagSample" WHERE "resolution" = 0)
     ORDER BY "subject", "topic", "partition"`,
    kind,
    ...(subject !== undefined ? [subject] : []),
  );
  return rows.map(toRow);
}

interface RawEvaluation {
  kind: string;
  subject: string;
  ts: number | bigint;
  status: string;
  worst: string;
  totalLag: number | bigint;
  timeLagMs: number | bigint;
  lagPerSec: number;
  consumeRate: number;
  produceRate: number;
  etaState: string;
  etaMs: number | bigint | null;
  partitions: string;
}

export async function readEvaluations(db: Db, kind: SubjectKind, subject?: string): Promise<EvaluationRow[]> {
  const rows = await db.$queryRawUnsafe<RawEvaluation[]>(
    `SELECT * FROM "LagEvaluation" WHERE "kind" = ? ${subject !== undefined ? `AND "subject" = ?` : ""}`,
    kind,
    ...(subject !== undefined ? [subject] : []),
  );
  return rows.map((r) => ({
    kind: r.kind as SubjectKind,
    subject: r.subject,
    ts: Number(r.ts),
    status: r.status,
    worst: r.worst,
    totalLag: Number(r.totalLag),
    timeLagMs: Number(r.timeLagMs),
    lagPerSec: Number(r.lagPerSec),
    consumeRate: Number(r.consumeRate),
    produceRate: Number(r.produceRate),
    etaState: r.etaState,
    etaMs: r.etaMs === null ? null : Number(r.etaMs),
    partitions: JSON.parse(r.partitions) as EvaluationRow["partitions"],
  }));
}

export async function countSamples(db: Db): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM "LagSample"`);
  return Number(row.n);
}
