import type Database from "better-sqlite3";
import { z } from "zod";
import { chunk } from "@/lib/domain/chunk";
import { dialectSql, sqlDialect } from "../db/sql-dialect";
import { deleteStoredRecords } from "../stores/record-store";
import type { Tx } from "../stores/tx";
import type { Processor } from "./processor";
import { StagedRecords } from "./staged-records";
import { insertWithPostgres } from "./store-records-postgres";

export const storeRecordsConfig = z.strictObject({
  /** Records stored by batches planned longer ago than this are deleted (at each batch). Default 7 days. */
  retentionMs: z.number().int().min(60_000, "retentionMs must be at least 60,000").max(3650 * 86_400_000).default(7 * 86_400_000),
});
export type StoreRecordsConfig = z.output<typeof storeRecordsConfig>;

/** Keeps each record (topic, partition, offset, timestamp, key, value, headers), for inspection. */
export const storeRecords: Processor<StoreRecordsConfig> = {
  name: "store-records",
  description: "Stores each record for inspection, for a retention period",
  configSchema: storeRecordsConfig,
  // Rows are keyed by offset: a record read again replaces its row.
  reprocessing: "replaced",
  // applyRetention finds the first batch within retentionMs: batch history must reach that far back.
  batchHistoryMs: (config) => config.retentionMs,

  async process({ records, ...batch }, tx) {
    const staged = new StagedRecords();
    staged.add(records);
    await write(tx, staged, batch);
    staged.release();
  },

  // Records are packed as they are read (see StagedRecords), and written at commit (with batch.batchId,
  // known by then also for a fold read ahead).
  readAhead: true,
  fold(batch) {
    const staged = new StagedRecords();
    return {
      add: (records) => staged.add(records),
      commit: async (tx) => {
        await write(tx, staged, batch);
        // Written into SQLite's pages: the segments can take the next batch (this fold is done).
        staged.release();
      },
    };
  },

  async clear(jobId, tx) {
    await deleteStoredRecords(tx, jobId);
  },

  /**
   * Stored rows are keyed by offset, so taking batches back out means deleting, per partition, every
   * row at or after where the first rolled-back batch that read it started: the replay stores exactly
   * those again, and rows before it (even if a later batch re-stored them) stay.
   */
  async rollback(jobId, _fromBatchId, tx, rewind) {
    for (const r of rewind) {
      await tx.$executeRawUnsafe(
        dialectSql(tx, `DELETE FROM "StoredRecord" WHERE "streamId" = (SELECT "id" FROM "StoredRecordStream" WHERE "jobId" = ? AND "topic" = ? AND "partition" = ?) AND "offset" >= ?`),
        jobId,
        r.topic,
        r.partition,
        r.offset,
      );
    }
  },
};

type StreamIds = Map<string, number>;
const streamKey = (topic: string, partition: number) => `${partition}:${topic}`;

async function write(tx: Tx, staged: StagedRecords, batch: { jobId: string; batchId: number; config: StoreRecordsConfig; sqlite?: Database.Database }): Promise<void> {
  const streams = await streamIds(tx, batch.jobId, staged.partitions());
  if (batch.sqlite) insertWithSqlite(batch.sqlite, staged, streams, batch.batchId);
  else if (sqlDialect(tx) === "postgresql") await insertWithPostgres(tx, staged, (topic, partition) => streams.get(streamKey(topic, partition))!, batch.batchId);
  else await insertWithPrisma(tx, staged, streams, batch.batchId);
  await applyRetention(tx, batch.jobId, streams, batch.batchId, batch.config.retentionMs);
}

/** The stream id of every partition of the job, creating the ones seen for the first time. */
async function streamIds(tx: Tx, jobId: string, partitions: readonly { topic: string; partition: number }[]): Promise<StreamIds> {
  const ids: StreamIds = new Map();
  for (const s of await tx.storedRecordStream.findMany({ where: { jobId } })) ids.set(streamKey(s.topic, s.partition), s.id);
  for (const tp of partitions) {
    const key = streamKey(tp.topic, tp.partition);
    if (!ids.has(key)) ids.set(key, (await tx.storedRecordStream.create({ data: { jobId, ...tp } })).id);
  }
  return ids;
}

/** Rows per INSERT statement on the raw connection: 7 parameters each. */
const ROWS_PER_STATEMENT = 64;
const COLUMNS = `"streamId", "offset", "timestamp", "key", "value", "headers", "batchId"`;
// OR REPLACE: a range re-read after an audited rewind stores the record again, not twice.
const insertSql = (rows: number) => `INSERT OR REPLACE INTO "StoredRecord" (${COLUMNS}) VALUES ${Array(rows).fill("(?, ?, ?, ?, ?, ?, ?)").join(", ")}`;
const statements = new WeakMap<Database.Database, { many: Database.Statement; one: Database.Statement }>();

/**
 * Prepared multi-row INSERTs on the transaction's own better-sqlite3 connection: about five times
 * the rows per second of Prisma's raw queries (see BENCHMARKS.md).
 */
function insertWithSqlite(sqlite: Database.Database, staged: StagedRecords, streams: StreamIds, batchId: number): void {
  let cached = statements.get(sqlite);
  if (!cached) statements.set(sqlite, (cached = { many: sqlite.prepare(insertSql(ROWS_PER_STATEMENT)), one: sqlite.prepare(insertSql(1)) }));
  const args: unknown[] = new Array(ROWS_PER_STATEMENT * 7);
  let filled = 0;
  staged.forEach((r) => {
    const at = filled * 7;
    args[at] = streams.get(streamKey(r.topic, r.partition));
    args[at + 1] = r.offset;
    args[at + 2] = r.timestamp;
    args[at + 3] = r.key;
    args[at + 4] = r.value;
    args[at + 5] = r.headers;
    args[at + 6] = batchId;
    if (++filled === ROWS_PER_STATEMENT) {
      cached.many.run(args);
      filled = 0;
    }
  });
  for (let i = 0; i < filled; i++) cached.one.run(args.slice(i * 7, i * 7 + 7));
}

/** Rows per statement through Prisma: each statement gets its rows as ONE JSON parameter (json_each). */
const JSON_CHUNK = 5000;

/** The portable path (no raw connection): keys and values travel as hex in a JSON array. */
async function insertWithPrisma(tx: Tx, staged: StagedRecords, streams: StreamIds, batchId: number): Promise<void> {
  const rows: unknown[][] = [];
  staged.forEach((r) => rows.push([streams.get(streamKey(r.topic, r.partition)), r.offset, r.timestamp, r.key?.toString("hex") ?? null, r.value?.toString("hex") ?? null, r.headers]));
  for (const part of chunk(rows, JSON_CHUNK)) {
    await tx.$executeRawUnsafe(
      `INSERT OR REPLACE INTO "StoredRecord" (${COLUMNS})
       SELECT value ->> 0, value ->> 1, value ->> 2, unhex(value ->> 3), unhex(value ->> 4), value ->> 5, ? FROM json_each(?)`,
      batchId,
      JSON.stringify(part),
    );
  }
}

/**
 * Deletes, per partition, the rows below the first one a batch within the retention stored. Rows are
 * keyed by offset, so that is one range delete on the key; a range re-stored by a replay keeps the
 * rows above it until they age out too.
 */
async function applyRetention(tx: Tx, jobId: string, streams: StreamIds, batchId: number, retentionMs: number): Promise<void> {
  const firstKept = await tx.batch.findFirst({
    where: { jobId, batchTime: { gte: new Date(Date.now() - retentionMs) } },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  for (const streamId of streams.values()) {
    await tx.$executeRawUnsafe(
      dialectSql(
        tx,
        `DELETE FROM "StoredRecord" WHERE "streamId" = ?
           AND "offset" < COALESCE((SELECT "offset" FROM "StoredRecord" WHERE "streamId" = ? AND "batchId" >= ? ORDER BY "offset" LIMIT 1), 9223372036854775807)`,
      ),
      streamId,
      streamId,
      firstKept?.id ?? batchId,
    );
  }
}
