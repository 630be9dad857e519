import type { ListDto, StoredRecordDto } from "@/lib/contracts/jobs";
import { dialectSql } from "../db/sql-dialect";
import type { Db, Tx } from "./tx";

/**
 * Deletes every record store-records kept for a job, and its streams, in the caller's transaction.
 * StoredRecord has no foreign key to its stream (see prisma/schema.prisma), so nothing cascades:
 * whatever deletes a job's streams deletes their records here first.
 */
export async function deleteStoredRecords(tx: Tx, jobId: string): Promise<void> {
  await tx.$executeRawUnsafe(
    dialectSql(tx, `DELETE FROM "StoredRecord" WHERE "streamId" IN (SELECT "id" FROM "StoredRecordStream" WHERE "jobId" = ?)`),
    jobId,
  );
  await tx.storedRecordStream.deleteMany({ where: { jobId } });
}

/**
 * store-records output, newest offsets first, partition after partition (topic and partition
 * descending); cursor "topic:partition:offset" of the last item. Each partition is read through the
 * (stream, offset) key, so a page costs the same however many records are stored.
 */
export async function listStoredRecords(
  db: Db,
  jobId: string,
  opts: { limit: number; topic?: string; partition?: number; before?: string },
): Promise<ListDto<StoredRecordDto>> {
  let cursor: { topic: string; partition: number; offset: bigint } | null = null;
  if (opts.before) {
    const m = /^(.+):(\d+):(\d+)$/.exec(opts.before);
    if (m) cursor = { topic: m[1], partition: Number(m[2]), offset: BigInt(m[3]) };
  }
  const streams = await db.storedRecordStream.findMany({
    where: {
      jobId,
      ...(opts.topic !== undefined ? { topic: opts.topic } : {}),
      ...(opts.partition !== undefined ? { partition: opts.partition } : {}),
      ...(cursor ? { OR: [{ topic: { lt: cursor.topic } }, { topic: cursor.topic, partition: { lte: cursor.partition } }] } : {}),
    },
    orderBy: [{ topic: "desc" }, { partition: "desc" }],
  });
  const items: StoredRecordDto[] = [];
  let more = false;
  for (const s of streams) {
    const sameAsCursor = cursor !== null && s.topic === cursor.topic && s.partition === cursor.partition;
    const rows = await db.storedRecord.findMany({
      where: { streamId: s.id, ...(sameAsCursor ? { offset: { lt: cursor!.offset } } : {}) },
      orderBy: { offset: "desc" },
      take: opts.limit + 1 - items.length,
    });
    for (const r of rows) {
      if (items.length === opts.limit) {
        more = true;
        break;
      }
      items.push({
        topic: s.topic,
        partition: s.partition,
        offset: Number(r.offset),
        timestamp: new Date(Number(r.timestamp)).toISOString(),
        key: r.key === null ? null : Buffer.from(r.key).toString("utf8"),
        value: r.value === null ? null : Buffer.from(r.value).toString("utf8"),
        headers: r.headers === null ? {} : (JSON.parse(r.headers) as Record<string, string>),
      });
    }
    if (more) break;
  }
  const last = items[items.length - 1];
  return { items, next: more && last ? `${last.topic}:${last.partition}:${last.offset}` : null };
}
