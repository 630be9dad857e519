import { z } from "zod";
import { chunk } from "@/lib/domain/chunk";
import type { Processor } from "./processor";

/**
 * Rows per statement. Each statement gets the rows as ONE JSON parameter (json_each), not nine
 * parameters per row: Prisma's per-parameter cost halved the insert rate. Keys and values travel
 * as hex (unhex() restores the bytes exactly).
 */
const INSERT_CHUNK = 5000;

export const storeRecordsConfig = z.strictObject({
  /** Records stored longer ago than this are deleted (at each batch). Default 7 days. */
  retentionMs: z.number().int().min(60_000, "retentionMs must be at least 60,000").max(3650 * 86_400_000).default(7 * 86_400_000),
});
export type StoreRecordsConfig = z.output<typeof storeRecordsConfig>;

/** Keeps each record (topic, partition, offset, timestamp, key, value, headers), for inspection. */
export const storeRecords: Processor<StoreRecordsConfig> = {
  name: "store-records",
  description: "Stores each record for inspection, for a retention period",
  configSchema: storeRecordsConfig,

  async process({ jobId, batchId, records, config }, tx) {
    const now = Date.now();
    const storedAt = new Date(now).toISOString();
    for (const part of chunk(records, INSERT_CHUNK)) {
      const rows = part.map((r) => [r.topic, r.partition, r.offset, r.timestamp, r.key?.toString("hex") ?? null, r.value?.toString("hex") ?? null, headersJson(r.headers)]);
      // OR REPLACE: a re-planned range after an audited rewind stores the record again, not twice.
      await tx.$executeRawUnsafe(
        `INSERT OR REPLACE INTO "StoredRecord" ("jobId", "topic", "partition", "offset", "timestamp", "key", "value", "headers", "storedAt", "batchId")
         SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, unhex(value ->> 4), unhex(value ->> 5), value ->> 6, ?, ? FROM json_each(?)`,
        jobId,
        storedAt,
        batchId,
        JSON.stringify(rows),
      );
    }
    await tx.$executeRawUnsafe(
      `DELETE FROM "StoredRecord" WHERE "jobId" = ? AND "storedAt" < ?`,
      jobId,
      new Date(now - config.retentionMs).toISOString(),
    );
  },

  async clear(jobId, tx) {
    await tx.storedRecord.deleteMany({ where: { jobId } });
  },

  /**
   * Stored rows are keyed by offset, so taking batches back out means deleting every row at or
   * after where that batch started: the replay stores exactly those again, and rows before it
   * (even if a later batch re-stored them) stay.
   */
  async rollback(jobId, fromBatchId, tx) {
    const ranges = await tx.batchRange.findMany({ where: { batchId: fromBatchId } });
    for (const r of ranges) {
      await tx.storedRecord.deleteMany({ where: { jobId, topic: r.topic, partition: r.partition, offset: { gte: r.fromOffset } } });
    }
  },
};

const EMPTY_HEADERS = "{}";

function headersJson(headers: Record<string, Buffer | string | undefined>): string {
  let out: Record<string, string> | null = null;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    (out ??= {})[name] = typeof value === "string" ? value : value.toString("utf8");
  }
  return out ? JSON.stringify(out) : EMPTY_HEADERS;
}
