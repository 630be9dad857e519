import type { Prisma } from "@/lib/server/db/client";
import type { Db } from "@/lib/server/stores/tx";

// A stored record names its stream by id, with no relation to filter or join through (see
// prisma/schema.prisma): tests look the job's streams up first.

/** What store-records kept for a job, each row with its stream's topic and partition, by topic, partition and offset. */
export async function storedRecordsOfJob(db: Db, jobId: string) {
  const streams = await db.storedRecordStream.findMany({ where: { jobId }, orderBy: [{ topic: "asc" }, { partition: "asc" }] });
  const rows = await db.storedRecord.findMany({ where: { streamId: { in: streams.map((s) => s.id) } }, orderBy: { offset: "asc" } });
  return streams.flatMap((s) => rows.filter((r) => r.streamId === s.id).map((r) => ({ ...r, topic: s.topic, partition: s.partition })));
}

/** How many records store-records kept for a job (those matching `where`). */
export async function countStoredRecordsOfJob(db: Db, jobId: string, where: Prisma.StoredRecordWhereInput = {}): Promise<number> {
  const streams = await db.storedRecordStream.findMany({ where: { jobId }, select: { id: true } });
  return db.storedRecord.count({ where: { ...where, streamId: { in: streams.map((s) => s.id) } } });
}
