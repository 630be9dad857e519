/** The lag samples' roll-ups into coarser tiers as buckets complete, and their pruning (see lag-store.ts). */
import type { RollupTier } from "@/lib/domain/lag-retention";
import { replaceInto, sqlDialect, sqlFor } from "../db/sql-dialect";
import type { Db } from "../stores/tx";
import { int, SAMPLE_COLUMNS, SAMPLE_KEY, TOTAL_PARTITION } from "./lag-store";

/** Rows that are rolled up: every job row, and consumer groups' totals (their per-partition samples stay raw, then go). */
const ROLLED_UP = `("kind" = 'job' OR "partition" = ${TOTAL_PARTITION})`;

/**
 * Builds each tier's newly completed buckets from the next finer tier (min/max/avg per bucket; committed and
 * log offsets of the bucket's last sample), then deletes each tier's rows older than its keep time, and
 * consumer groups' per-partition samples after `groupPartitionKeepMs` (their totals keep the full history).
 *
 * A tier's buckets up to its newest row are done, so each run reads only the source rows after it: a minute
 * of raw rows for the 1-minute tier, a quarter of an hour of minutes for the 15-minute tier. A bucket is
 * built once it has ended (the sampler writes rows stamped with the tick's time, before this runs), from a
 * source that still holds all of it (`rollupTiers` keeps sources at least twice a bucket). The bucket's last
 * source row is looked up by primary key per bucket (CROSS JOIN keeps SQLite from doing it the other way
 * round: for every source row, every bucket of its series, which took 16 s for 6 hours of raw rows).
 */
export async function rollupAndPrune(db: Db, nowMs: number, tiers: RollupTier[], groupPartitionKeepMs: number): Promise<void> {
  const dialect = sqlDialect(db);
  // SQLite's INTEGER is 64-bit; PostgreSQL's is 32-bit.
  const bigint = dialect === "sqlite" ? "INTEGER" : "BIGINT";
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(
      sqlFor(dialect, `DELETE FROM "LagSample" WHERE "resolution" = 0 AND "ts" < ? AND "kind" = 'group' AND "partition" >= 0`),
      nowMs - groupPartitionKeepMs,
    );
    for (let i = 1; i < tiers.length; i++) {
      const source = tiers[i - 1].resolutionMs;
      const r = int(tiers[i].resolutionMs);
      const [done] = await tx.$queryRawUnsafe<{ ts: number | bigint | null }[]>(`SELECT MAX("ts") AS ts FROM "LagSample" WHERE "resolution" = ${r}`);
      const since = done.ts === null ? 0 : Number(done.ts) + r;
      const until = Math.floor(nowMs / r) * r;
      if (since >= until) continue;
      await tx.$executeRawUnsafe(
        sqlFor(
          dialect,
          `WITH src AS (
           SELECT *, ("ts" / ${r}) * ${r} AS bucket FROM "LagSample"
           WHERE "resolution" = ${int(source)} AND "ts" >= ? AND "ts" < ? ${source === 0 ? `AND ${ROLLED_UP}` : ""}
         ), agg AS (
           SELECT "kind", "subject", "topic", "partition", bucket, MAX("ts") AS lastTs, SUM("samples") AS n,
                  SUM("lag" * "samples") AS lagSum, MIN("lagMin") AS lagMin, MAX("lagMax") AS lagMax,
                  SUM("timeLagMs" * "samples") AS timeLagSum, MAX("timeLagMaxMs") AS timeLagMax, MAX("isCommit") AS isCommit
           FROM src GROUP BY "kind", "subject", "topic", "partition", bucket
         )
         ${replaceInto(
           dialect,
           "LagSample",
           SAMPLE_COLUMNS,
           SAMPLE_KEY,
           `SELECT a."kind", a."subject", a."topic", a."partition", a.bucket, ${r}, s."committedOffset", s."logStartOffset", s."logEndOffset",
                CAST(ROUND(a.lagSum * 1.0 / a.n) AS ${bigint}), a.lagMin, a.lagMax, CAST(ROUND(a.timeLagSum * 1.0 / a.n) AS ${bigint}), a.timeLagMax,
                a.n, a.isCommit, s."commitTs"
         FROM agg a ${dialect === "sqlite" ? "CROSS JOIN" : "JOIN"} "LagSample" s
         ON s."kind" = a."kind" AND s."subject" = a."subject" AND s."topic" = a."topic" AND s."partition" = a."partition" AND s."resolution" = ${int(source)} AND s."ts" = a.lastTs`,
         )}`,
        ),
        since,
        until,
      );
    }
    for (const t of tiers) {
      if (Number.isFinite(t.keepMs)) await tx.$executeRawUnsafe(sqlFor(dialect, `DELETE FROM "LagSample" WHERE "resolution" = ${int(t.resolutionMs)} AND "ts" < ?`), nowMs - t.keepMs);
    }
  });
}
