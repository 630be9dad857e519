import { chunk } from "@/lib/domain/chunk";
import type { OffsetRange, StoredOffset } from "@/lib/domain/types";
import { dialectSql, sqlDialect } from "../db/sql-dialect";
import type { Db, Tx } from "./tx";

export async function readOffsets(db: Db | Tx, jobId: string): Promise<StoredOffset[]> {
  const rows = await db.jobOffset.findMany({ where: { jobId }, orderBy: [{ topic: "asc" }, { partition: "asc" }] });
  return rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: Number(r.offset) }));
}

/** Moves the job's offsets to the end of each range: one multi-row upsert, inside the batch transaction. */
export async function advanceOffsets(tx: Tx, jobId: string, ranges: OffsetRange[]): Promise<void> {
  const now = new Date().toISOString();
  for (const rows of chunk(ranges, 200)) {
    await tx.$executeRawUnsafe(
      dialectSql(
        tx,
        `INSERT INTO "JobOffset" ("jobId", "topic", "partition", "offset", "updatedAt") VALUES ${rows.map(() => "(?, ?, ?, ?, ?)").join(", ")}
         ON CONFLICT ("jobId", "topic", "partition") DO UPDATE SET "offset" = excluded."offset", "updatedAt" = excluded."updatedAt"`,
      ),
      ...rows.flatMap((r) => [jobId, r.topic, r.partition, r.untilOffset, now]),
    );
  }
}

/**
 * Guards "nothing counted twice": the offsets the batch starts from must still be the stored ones
 * when it commits (a reset or a second runtime would have moved them).
 */
export async function assertOffsetsUnchanged(tx: Tx, jobId: string, ranges: OffsetRange[]): Promise<void> {
  const stored = new Map((await readOffsetsForUpdate(tx, jobId)).map((o) => [`${o.topic}:${o.partition}`, o.offset]));
  for (const r of ranges) {
    const current = stored.get(`${r.topic}:${r.partition}`);
    if (current !== undefined && current !== r.fromOffset) {
      throw new OffsetsMovedError(`${r.topic}/${r.partition} is at ${current}, the batch starts at ${r.fromOffset}`);
    }
  }
}

/**
 * The job's offsets, locked until the transaction ends. SQLite admits one writer at a time, so its check
 * and commit cannot interleave with another's. PostgreSQL (Read Committed) would let two transactions
 * read the same offsets and both commit: the job's row is locked first (a job without offset rows yet has
 * nothing else to lock), then its offset rows, so a second commit (or a reset) of the job waits for the
 * first and then reads what it wrote.
 */
async function readOffsetsForUpdate(tx: Tx, jobId: string): Promise<StoredOffset[]> {
  if (sqlDialect(tx) !== "postgresql") return readOffsets(tx, jobId);
  await tx.$queryRawUnsafe(`SELECT "id" FROM "Job" WHERE "id" = $1 FOR UPDATE`, jobId);
  const rows = await tx.$queryRawUnsafe<{ topic: string; partition: number; offset: bigint }[]>(
    `SELECT "topic", "partition", "offset" FROM "JobOffset" WHERE "jobId" = $1 FOR UPDATE`,
    jobId,
  );
  return rows.map((r) => ({ topic: r.topic, partition: Number(r.partition), offset: Number(r.offset) }));
}

export class OffsetsMovedError extends Error {
  readonly code = "OFFSETS_MOVED";
}

/** Sets offsets outright: only for an audited reset (the caller records the audit event in the same transaction). */
export async function writeOffsets(tx: Tx, jobId: string, offsets: StoredOffset[]): Promise<void> {
  await advanceOffsets(
    tx,
    jobId,
    offsets.map((o) => ({ topic: o.topic, partition: o.partition, fromOffset: o.offset, untilOffset: o.offset })),
  );
}
