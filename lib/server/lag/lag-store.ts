/**
 * Lag samples in the database (SQLite or PostgreSQL): raw inserts and bucketed range reads from the tier that fits;
 * roll-ups and pruning are in lag-rollup.ts. Raw SQL: one multi-row statement per chunk keeps a tick of thousands of
 * partitions cheap.
 */
import type { EtaState, LagPointDto, LagTrendDto, PartitionLagDto, PartitionLagSeriesDto } from "@/lib/contracts/lag";
import { chunk } from "@/lib/domain/chunk";
import { planTierReads, TIER_RESOLUTIONS, type TierSpan } from "@/lib/domain/lag-retention";
import type { LagStatus, PartitionLagStatus } from "@/lib/domain/lag-status";
import { dialectSql, replaceInto, sqlDialect, sqlFor } from "../db/sql-dialect";
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

/** A subject's newest evaluation: the contract's trend flattened into columns, partitions as JSON. */
export interface EvaluationRow extends LagTrendDto {
  kind: SubjectKind;
  subject: string;
  ts: number;
  status: LagStatus;
  worst: PartitionLagStatus;
  totalLag: number;
  timeLagMs: number;
  etaState: EtaState;
  etaMs: number | null;
  partitions: Pick<PartitionLagDto, "topic" | "partition" | "status" | "complete">[];
}

export const SAMPLE_COLUMNS = `"kind","subject","topic","partition","ts","resolution","committedOffset","logStartOffset","logEndOffset","lag","lagMin","lagMax","timeLagMs","timeLagMaxMs","samples","isCommit","commitTs"`;
export const SAMPLE_KEY = `"kind","subject","topic","partition","resolution","ts"`;
const EVALUATION_COLUMNS = `"kind","subject","ts","status","worst","totalLag","timeLagMs","lagPerSec","consumeRate","produceRate","etaState","etaMs","partitions"`;

/** Writes one tick: raw samples plus the subjects' evaluations, and drops evaluations of subjects that are gone. */
export async function writeTick(db: Db, rows: LagRow[], evaluations: EvaluationRow[], tickTs: number): Promise<void> {
  const dialect = sqlDialect(db);
  await db.$transaction(async (tx) => {
    for (const part of chunk(rows, 900)) {
      await tx.$executeRawUnsafe(
        sqlFor(dialect, replaceInto(dialect, "LagSample", SAMPLE_COLUMNS, SAMPLE_KEY, `VALUES ${part.map(() => "(?,?,?,?,?,0,?,?,?,?,?,?,?,?,1,?,?)").join(",")}`)),
        ...part.flatMap((r) => [
          r.kind, r.subject, r.topic, r.partition, r.ts, r.committedOffset, r.logStartOffset, r.logEndOffset,
          r.lag, r.lag, r.lag, r.timeLagMs, r.timeLagMs, r.isCommit ? 1 : 0, r.commitTs,
        ]),
      );
    }
    for (const part of chunk(evaluations, 500)) {
      await tx.$executeRawUnsafe(
        sqlFor(dialect, replaceInto(dialect, "LagEvaluation", EVALUATION_COLUMNS, `"kind","subject"`, `VALUES ${part.map(() => "(?,?,?,?,?,?,?,?,?,?,?,?,?)").join(",")}`)),
        ...part.flatMap((e) => [
          e.kind, e.subject, e.ts, e.status, e.worst, e.totalLag, e.timeLagMs, e.lagPerSec, e.consumeRate, e.produceRate, e.etaState, e.etaMs,
          JSON.stringify(e.partitions),
        ]),
      );
    }
    await tx.$executeRawUnsafe(sqlFor(dialect, `DELETE FROM "LagEvaluation" WHERE "ts" < ?`), tickTs);
  });
}

/** An integer for SQL text (bucket widths): never a value from a request. */
export function int(n: number): number {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return n;
}

/**
 * What each tier holds for a subject, from its total series (every tier is built for every rolled-up series
 * at once, so the total's spans are its partitions'): from its oldest row to the end of its newest bucket.
 * Raw samples reach to now. Index lookups only (min and max per tier).
 */
export async function readTierSpans(db: Db, kind: SubjectKind, subject: string): Promise<TierSpan[]> {
  const where = (r: number) => `FROM "LagSample" WHERE "kind" = ? AND "subject" = ? AND "topic" = '${TOTAL_TOPIC}' AND "partition" = ${TOTAL_PARTITION} AND "resolution" = ${int(r)}`;
  const [row] = await db.$queryRawUnsafe<Record<string, number | bigint | null>[]>(
    dialectSql(db, `SELECT ${TIER_RESOLUTIONS.map((r, i) => `(SELECT MIN("ts") ${where(r)}) AS lo${i}, (SELECT MAX("ts") ${where(r)}) AS hi${i}`).join(", ")}`),
    ...TIER_RESOLUTIONS.flatMap(() => [kind, subject, kind, subject]),
  );
  return TIER_RESOLUTIONS.flatMap((r, i) => {
    const lo = row[`lo${i}`];
    const hi = row[`hi${i}`];
    if (lo === null || hi === null) return [];
    return [{ resolutionMs: r, fromMs: Number(lo), untilMs: r === 0 ? Infinity : Number(hi) + r }];
  });
}

/**
 * Series of one subject, bucketed: one partition (or the total, TOTAL_TOPIC/TOTAL_PARTITION), or every
 * partition. Each part of the range is read from the coarsest tier that fits the bucket (planTierReads), so a
 * week of 2-hour buckets reads hourly rows, not minutes. SQLite groups the rows and hands back one JSON
 * array per series: converting a few strings costs far less than thousands of rows through Prisma.
 */
async function readBucketed(
  db: Db,
  q: { kind: SubjectKind; subject: string; fromMs: number; toMs: number; bucketMs: number },
  series: { topic: string; partition: number } | "partitions",
): Promise<PartitionLagSeriesDto[]> {
  const plan = planTierReads(await readTierSpans(db, q.kind, q.subject), q.fromMs, q.toMs, q.bucketMs);
  if (plan.length === 0) return [];
  const b = int(q.bucketMs);
  const which = series === "partitions" ? `"partition" >= 0` : `"topic" = ? AND "partition" = ?`;
  const parts = plan.map(
    () => `SELECT "topic", "partition", "ts", "lag", "samples", "lagMin", "lagMax", "timeLagMs", "timeLagMaxMs" FROM "LagSample"
           WHERE "kind" = ? AND "subject" = ? AND ${which} AND "resolution" = ? AND "ts" >= ? AND "ts" < ?`,
  );
  const params = plan.flatMap((p) => [q.kind, q.subject, ...(series === "partitions" ? [] : [series.topic, series.partition]), p.resolutionMs, p.fromMs, p.untilMs === Infinity ? Number.MAX_SAFE_INTEGER : p.untilMs]);
  const postgres = sqlDialect(db) === "postgresql";
  // SQLite's json_group_array keeps the subquery's order; PostgreSQL's json_agg is told.
  const points = postgres
    ? "json_agg(json_build_array(b, lag, lagMin, lagMax, timeLag, timeLagMax) ORDER BY b)::text"
    : "json_group_array(json_array(b, lag, lagMin, lagMax, timeLag, timeLagMax))";
  const bigint = postgres ? "BIGINT" : "INTEGER";
  const rows = await db.$queryRawUnsafe<{ topic: string; partition: number | bigint; points: string }[]>(
    dialectSql(
      db,
      `SELECT "topic", "partition", ${points} AS points FROM (
       SELECT "topic", "partition", "ts" / ${b} AS b, CAST(ROUND(SUM("lag" * "samples") * 1.0 / SUM("samples")) AS ${bigint}) AS lag,
              MIN("lagMin") AS lagMin, MAX("lagMax") AS lagMax,
              CAST(ROUND(SUM("timeLagMs" * "samples") * 1.0 / SUM("samples")) AS ${bigint}) AS timeLag, MAX("timeLagMaxMs") AS timeLagMax
       FROM (${parts.join(" UNION ALL ")}) AS tiers
       GROUP BY "topic", "partition", b ORDER BY "topic", "partition", b
     ) AS buckets GROUP BY "topic", "partition" ORDER BY "topic", "partition"`,
    ),
    ...params,
  );
  return rows.map((r) => ({
    topic: r.topic,
    partition: Number(r.partition),
    points: (JSON.parse(r.points) as number[][])
      .map(([bucket, lag, lagMin, lagMax, timeLagMs, timeLagMaxMs]) => ({ ts: bucket * b, lag, lagMin, lagMax, timeLagMs, timeLagMaxMs }))
      .sort((x, y) => x.ts - y.ts),
  }));
}

/** One series (a partition, or the total with TOTAL_TOPIC/TOTAL_PARTITION), bucketed. */
export async function readSeries(
  db: Db,
  q: { kind: SubjectKind; subject: string; topic: string; partition: number; fromMs: number; toMs: number; bucketMs: number },
): Promise<LagPointDto[]> {
  const [series] = await readBucketed(db, q, { topic: q.topic, partition: q.partition });
  return series?.points ?? [];
}

/** Every partition's series of a subject, bucketed. */
export async function readPartitionSeries(
  db: Db,
  q: { kind: SubjectKind; subject: string; fromMs: number; toMs: number; bucketMs: number },
): Promise<PartitionLagSeriesDto[]> {
  return readBucketed(db, q, "partitions");
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
    dialectSql(db, `SELECT * FROM "LagSample" WHERE "resolution" = 0 AND "ts" >= ? ${where} ORDER BY "ts"`),
    sinceMs,
    ...(kind && subject ? [kind, subject] : []),
  );
  return rows.map(toRow);
}

/** The newest tick's rows of one subject (or of every subject of a kind), by subject, topic and partition. */
export async function readLatestTick(db: Db, kind: SubjectKind, subject?: string): Promise<LagRow[]> {
  // Sorted here: an ORDER BY in SQL makes SQLite walk the primary key (every row of the subject) to avoid sorting 65 rows.
  const rows = await db.$queryRawUnsafe<RawSample[]>(
    dialectSql(
      db,
      `SELECT * FROM "LagSample" WHERE "resolution" = 0 AND "kind" = ? ${subject !== undefined ? `AND "subject" = ?` : ""}
       AND "ts" = (SELECT MAX("ts") FROM "LagSample" WHERE "resolution" = 0)`,
    ),
    kind,
    ...(subject !== undefined ? [subject] : []),
  );
  return rows
    .map(toRow)
    .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
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
    dialectSql(db, `SELECT * FROM "LagEvaluation" WHERE "kind" = ? ${subject !== undefined ? `AND "subject" = ?` : ""}`),
    kind,
    ...(subject !== undefined ? [subject] : []),
  );
  return rows.map((r) => ({
    kind: r.kind as SubjectKind,
    subject: r.subject,
    ts: Number(r.ts),
    status: r.status as LagStatus,
    worst: r.worst as PartitionLagStatus,
    totalLag: Number(r.totalLag),
    timeLagMs: Number(r.timeLagMs),
    lagPerSec: Number(r.lagPerSec),
    consumeRate: Number(r.consumeRate),
    produceRate: Number(r.produceRate),
    etaState: r.etaState as EtaState,
    etaMs: r.etaMs === null ? null : Number(r.etaMs),
    partitions: JSON.parse(r.partitions) as EvaluationRow["partitions"],
  }));
}

export async function countSamples(db: Db): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM "LagSample"`);
  return Number(row.n);
}
