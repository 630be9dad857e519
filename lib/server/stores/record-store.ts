import type { ListDto, StoredRecordDto } from "@/lib/contracts/jobs";
import type { Db } from "./tx";

/** store-records output, newest offsets first; cursor "topic:partition:offset" of the last item. */
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
  const rows = await db.storedRecord.findMany({
    where: {
      jobId,
      ...(opts.topic !== undefined ? { topic: opts.topic } : {}),
      ...(opts.partition !== undefined ? { partition: opts.partition } : {}),
      ...(cursor
        ? {
            OR: [
              { topic: { lt: cursor.topic } },
              { topic: cursor.topic, partition: { lt: cursor.partition } },
              { topic: cursor.topic, partition: cursor.partition, offset: { lt: cursor.offset } },
            ],
          }
        : {}),
    },
    orderBy: [{ topic: "desc" }, { partition: "desc" }, { offset: "desc" }],
    take: opts.limit + 1,
  });
  const items = rows.slice(0, opts.limit).map((r) => ({
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: new Date(Number(r.timestamp)).toISOString(),
    key: r.key === null ? null : Buffer.from(r.key).toString("utf8"),
    value: r.value === null ? null : Buffer.from(r.value).toString("utf8"),
    headers: JSON.parse(r.headers) as Record<string, string>,
  }));
  const last = items[items.length - 1];
  return { items, next: rows.length > opts.limit && last ? `${last.topic}:${last.partition}:${last.offset}` : null };
}
