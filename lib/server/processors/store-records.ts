import type Database from "better-sqlite3";
import { z } from "zod";
import { chunk } from "@/lib/domain/chunk";
import type { KafkaRecord } from "@/lib/domain/types";
import type { Tx } from "../stores/tx";
import type { Processor } from "./processor";

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

  async process({ jobId, batchId, records, config, sqlite }, tx) {
    const streams = await streamIds(tx, jobId, records);
    if (sqlite) insertWithSqlite(sqlite, records, streams, batchId);
    else await insertWithPrisma(tx, records, streams, batchId);
    await applyRetention(tx, jobId, streams, batchId, config.retentionMs);
  },

  async clear(jobId, tx) {
    // Rows go with their streams (ON DELETE CASCADE).
    await tx.storedRecordStream.deleteMany({ where: { jobId } });
  },

  /**
   * Stored rows are keyed by offset, so taking batches back out means deleting every row at or
   * after where that batch started: the replay stores exactly those again, and rows before it
   * (even if a later batch re-stored them) stay.
   */
  async rollback(jobId, fromBatchId, tx) {
    const ranges = await tx.batchRange.findMany({ where: { batchId: fromBatchId } });
    for (const r of ranges) {
      await tx.$executeRawUnsafe(
        `DELETE FROM "StoredRecord" WHERE "streamId" = (SELECT "id" FROM "StoredRecordStream" WHERE "jobId" = ? AND "topic" = ? AND "partition" = ?) AND "offset" >= ?`,
        jobId,
        r.topic,
        r.partition,
        r.fromOffset,
      );
    }
  },
};

type StreamIds = Map<string, number>;
const streamKey = (topic: string, partition: number) => `${partition}:${topic}`;

/** The stream id of every partition in the batch, creating the ones seen for the first time. */
async function streamIds(tx: Tx, jobId: string, records: KafkaRecord[]): Promise<StreamIds> {
  const wanted = new Map<string, { topic: string; partition: number }>();
  let last: KafkaRecord | null = null;
  for (const r of records) {
    // Records come a partition at a time: look up only where the partition changes.
    if (last && last.partition === r.partition && last.topic === r.topic) continue;
    last = r;
    wanted.set(streamKey(r.topic, r.partition), { topic: r.topic, partition: r.partition });
  }
  const ids: StreamIds = new Map();
  const existing = await tx.storedRecordStream.findMany({ where: { jobId } });
  for (const s of existing) ids.set(streamKey(s.topic, s.partition), s.id);
  for (const [key, tp] of wanted) {
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
function insertWithSqlite(sqlite: Database.Database, records: KafkaRecord[], streams: StreamIds, batchId: number): void {
  let cached = statements.get(sqlite);
  if (!cached) statements.set(sqlite, (cached = { many: sqlite.prepare(insertSql(ROWS_PER_STATEMENT)), one: sqlite.prepare(insertSql(1)) }));
  const args: unknown[] = new Array(ROWS_PER_STATEMENT * 7);
  let filled = 0;
  let streamId = 0;
  let last: KafkaRecord | null = null;
  for (const r of records) {
    if (!last || last.partition !== r.partition || last.topic !== r.topic) streamId = streams.get(streamKey(r.topic, r.partition))!;
    last = r;
    const at = filled * 7;
    args[at] = streamId;
    args[at + 1] = r.offset;
    args[at + 2] = r.timestamp;
    args[at + 3] = r.key;
    args[at + 4] = r.value;
    args[at + 5] = headersJson(r.headers);
    args[at + 6] = batchId;
    if (++filled === ROWS_PER_STATEMENT) {
      cached.many.run(args);
      filled = 0;
    }
  }
  for (let i = 0; i < filled; i++) cached.one.run(args.slice(i * 7, i * 7 + 7));
}

/** Rows per statement through Prisma: each statement gets its rows as ONE JSON parameter (json_each). */
const JSON_CHUNK = 5000;

/** The portable path (no raw connection): keys and values travel as hex in a JSON array. */
async function insertWithPrisma(tx: Tx, records: KafkaRecord[], streams: StreamIds, batchId: number): Promise<void> {
  for (const part of chunk(records, JSON_CHUNK)) {
    const rows = part.map((r) => [streams.get(streamKey(r.topic, r.partition)), r.offset, r.timestamp, r.key?.toString("hex") ?? null, r.value?.toString("hex") ?? null, headersJson(r.headers)]);
    await tx.$executeRawUnsafe(
      `INSERT OR REPLACE INTO "StoredRecord" (${COLUMNS})
       SELECT value ->> 0, value ->> 1, value ->> 2, unhex(value ->> 3), unhex(value ->> 4), value ->> 5, ? FROM json_each(?)`,
      batchId,
      JSON.stringify(rows),
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
      `DELETE FROM "StoredRecord" WHERE "streamId" = ?
         AND "offset" < COALESCE((SELECT "offset" FROM "StoredRecord" WHERE "streamId" = ? AND "batchId" >= ? ORDER BY "offset" LIMIT 1), 9223372036854775807)`,
      streamId,
      streamId,
      firstKept?.id ?? batchId,
    );
  }
}

function headersJson(headers: Record<string, Buffer | string | undefined>): string | null {
  let out: Record<string, string> | null = null;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    (out ??= {})[name] = typeof value === "string" ? value : value.toString("utf8");
  }
  return out ? JSON.stringify(out) : null;
}
