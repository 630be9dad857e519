import { z } from "zod";
import { rollbackRetentionMs } from "../env";
import type { Tx } from "../stores/tx";
import type { KafkaRecord } from "@/lib/domain/types";
import type { Processor } from "./processor";
import { chunk } from "@/lib/domain/chunk";
import { dialectSql, sqlDialect } from "../db/sql-dialect";

export const NULL_KEY = "(null)";
/** Rows per multi-row upsert: 4 parameters each, well under SQLite's parameter limit. */
const UPSERT_CHUNK = 1000;

export const countByKeyConfig = z.strictObject({
  /** Tumbling window by record timestamp; absent = one count per key over all time. */
  windowMs: z.number().int().min(1000, "windowMs must be at least 1000").max(31 * 86_400_000).optional(),
});
export type CountByKeyConfig = z.output<typeof countByKeyConfig>;

const DELTA_CHUNK = 800;
/** Rows per statement on PostgreSQL, whose array parameters have no such limit. */
const POSTGRES_CHUNK = 20_000;
/** Pruning old per-batch deltas is cheap but not free: do it every so many batches. */
const PRUNE_EVERY_BATCHES = 50;

/** Drops per-batch deltas older than the rollback retention: those batches can no longer be rolled back. */
async function pruneDeltas(jobId: string, tx: Tx): Promise<void> {
  const cutoff = new Date(Date.now() - rollbackRetentionMs());
  const firstKept = await tx.batch.findFirst({ where: { jobId, batchTime: { gte: cutoff } }, orderBy: { id: "asc" }, select: { id: true } });
  if (firstKept) await tx.keyCountDelta.deleteMany({ where: { jobId, batchId: { lt: firstKept.id } } });
}

/** Counts records per message key (UTF-8; a null key counts as "(null)"), optionally per tumbling window. */
export const countByKey: Processor<CountByKeyConfig> = {
  name: "count-by-key",
  description: "Counts records per message key, optionally per tumbling window of record time",
  configSchema: countByKeyConfig,
  reprocessing: "added-again",

  async process({ jobId, batchId, records, config }, tx) {
    const counter = new KeyCounter(config.windowMs);
    counter.add(records);
    await counter.write(tx, jobId, batchId);
  },

  fold(batch) {
    const counter = new KeyCounter(batch.config.windowMs);
    // batch.batchId is read at commit: a fold read ahead learns it then.
    return { add: (records) => counter.add(records), commit: (tx) => counter.write(tx, batch.jobId, batch.batchId) };
  },
  readAhead: true,

  // Per-batch deltas cover every partition: the rewind (where each partition goes back to) is the caller's.
  async rollback(jobId, fromBatchId, tx) {
    const touched = `SELECT 1 FROM "KeyCountDelta" d WHERE d."jobId" = "KeyCount"."jobId" AND d."windowStart" = "KeyCount"."windowStart" AND d."key" = "KeyCount"."key" AND d."batchId" >= ?`;
    await tx.$executeRawUnsafe(
      dialectSql(
        tx,
        `UPDATE "KeyCount" SET "count" = "count" - (SELECT SUM(d."count") FROM "KeyCountDelta" d
           WHERE d."jobId" = "KeyCount"."jobId" AND d."windowStart" = "KeyCount"."windowStart" AND d."key" = "KeyCount"."key" AND d."batchId" >= ?)
         WHERE "jobId" = ? AND EXISTS (${touched})`,
      ),
      fromBatchId,
      jobId,
      fromBatchId,
    );
    await tx.$executeRawUnsafe(dialectSql(tx, `DELETE FROM "KeyCount" WHERE "jobId" = ? AND "count" <= 0`), jobId);
    await tx.$executeRawUnsafe(dialectSql(tx, `DELETE FROM "KeyCountDelta" WHERE "jobId" = ? AND "batchId" >= ?`), jobId, fromBatchId);
  },

  async clear(jobId, tx) {
    await tx.keyCount.deleteMany({ where: { jobId } });
    await tx.keyCountDelta.deleteMany({ where: { jobId } });
  },

  // Largest counts first; `windowStart` only for a windowed count.
  results: {
    columns: [
      { key: "key", label: "Key" },
      { key: "count", label: "Count", numeric: true },
      { key: "windowStart", label: "Window start" },
    ],
    async query(db, jobId, { limit, offset, key }) {
      const rows = await db.keyCount.findMany({ where: { jobId, ...(key !== undefined ? { key } : {}) }, orderBy: [{ count: "desc" }, { key: "asc" }], skip: offset, take: limit });
      return rows.map((r) =>
        r.windowStart === BigInt(0) ? { key: r.key, count: Number(r.count) } : { key: r.key, count: Number(r.count), windowStart: new Date(Number(r.windowStart)).toISOString() },
      );
    },
  },
};

/** Counts of one batch per window and key, then written as one upsert per distinct key. */
class KeyCounter {
  // Nested maps: no string concatenation per record on the hot path.
  private readonly counts = new Map<number, Map<string, number>>();

  constructor(private readonly windowMs: number | undefined) {}

  add(records: KafkaRecord[]): void {
    const windowMs = this.windowMs;
    for (const record of records) {
      const key = record.key === null ? NULL_KEY : record.key.toString("utf8");
      const window = windowMs ? record.timestamp - (record.timestamp % windowMs) : 0;
      let perKey = this.counts.get(window);
      if (!perKey) this.counts.set(window, (perKey = new Map()));
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
  }

  async write(tx: Tx, jobId: string, batchId: number): Promise<void> {
    const rows: [number, string, number][] = [];
    for (const [window, perKey] of this.counts) for (const [key, count] of perKey) rows.push([window, key, count]);
    if (sqlDialect(tx) === "postgresql") await writePostgres(tx, jobId, batchId, rows);
    else await writeSqlite(tx, jobId, batchId, rows);
    if (batchId % PRUNE_EVERY_BATCHES === 0) await pruneDeltas(jobId, tx);
  }
}

async function writeSqlite(tx: Tx, jobId: string, batchId: number, rows: [number, string, number][]): Promise<void> {
  for (const part of chunk(rows, UPSERT_CHUNK)) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "KeyCount" ("jobId", "windowStart", "key", "count") VALUES ${part.map(() => "(?, ?, ?, ?)").join(", ")}
       ON CONFLICT ("jobId", "windowStart", "key") DO UPDATE SET "count" = "count" + excluded."count"`,
      ...part.flatMap(([window, key, count]) => [jobId, window, key, count]),
    );
  }
  // The batch's own contribution, so a replay can take exactly this batch back out.
  for (const part of chunk(rows, DELTA_CHUNK)) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "KeyCountDelta" ("jobId", "batchId", "windowStart", "key", "count") VALUES ${part.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
      ...part.flatMap(([window, key, count]) => [jobId, batchId, window, key, count]),
    );
  }
}

/** PostgreSQL: each column as one array parameter (unnest), so a statement's size does not grow with its rows. */
async function writePostgres(tx: Tx, jobId: string, batchId: number, rows: [number, string, number][]): Promise<void> {
  for (const part of chunk(rows, POSTGRES_CHUNK)) {
    const windows = part.map((r) => r[0]);
    const keys = part.map((r) => r[1]);
    const counts = part.map((r) => r[2]);
    await tx.$executeRawUnsafe(
      `INSERT INTO "KeyCount" ("jobId", "windowStart", "key", "count")
       SELECT $1, w, k, c FROM unnest($2::bigint[], $3::text[], $4::bigint[]) AS r(w, k, c)
       ON CONFLICT ("jobId", "windowStart", "key") DO UPDATE SET "count" = "KeyCount"."count" + excluded."count"`,
      jobId,
      windows,
      keys,
      counts,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO "KeyCountDelta" ("jobId", "batchId", "windowStart", "key", "count")
       SELECT $1, $2, w, k, c FROM unnest($3::bigint[], $4::text[], $5::bigint[]) AS r(w, k, c)`,
      jobId,
      batchId,
      windows,
      keys,
      counts,
    );
  }
}
