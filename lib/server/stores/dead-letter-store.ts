import type { DeadLetterDto, ListDto } from "@/lib/contracts/jobs";
import { chunk } from "@/lib/domain/chunk";
import { page } from "@/lib/domain/page";
import type { KafkaRecord } from "@/lib/domain/types";
import type { Db, Tx } from "./tx";

export interface DeadLetterInput {
  record: KafkaRecord;
  error: string;
}

/** Rows per INSERT: 9 parameters each, well under SQLite's parameter limit. */
const LETTERS_PER_STATEMENT = 500;

/**
 * Inside the batch transaction: the skipped records commit with the batch, or not at all. A few
 * multi-row statements however many records were skipped; a record skipped again (a replay) keeps
 * one row.
 */
export async function insertDeadLetters(tx: Tx, jobId: string, batchId: number, letters: DeadLetterInput[]): Promise<void> {
  const createdAt = new Date().toISOString();
  for (const rows of chunk(letters, LETTERS_PER_STATEMENT)) {
    await tx.$executeRawUnsafe(
      `INSERT OR REPLACE INTO "DeadLetter" ("jobId", "batchId", "topic", "partition", "offset", "key", "value", "error", "createdAt")
       VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
      ...rows.flatMap(({ record, error }) => [jobId, batchId, record.topic, record.partition, record.offset, record.key, record.value, error.slice(0, 2000), createdAt]),
    );
  }
}

export async function countDeadLetters(db: Db, jobId: string): Promise<number> {
  return db.deadLetter.count({ where: { jobId } });
}

export async function listDeadLetters(db: Db, jobId: string, opts: { limit: number; before?: number }): Promise<ListDto<DeadLetterDto>> {
  const { rows, next } = await page(
    opts.limit,
    (take) => db.deadLetter.findMany({ where: { jobId, ...(opts.before ? { id: { lt: opts.before } } : {}) }, orderBy: { id: "desc" }, take }),
    (last) => String(last.id),
  );
  const items = rows.map((r) => ({
    id: r.id,
    batchId: r.batchId,
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    key: r.key === null ? null : Buffer.from(r.key).toString("utf8"),
    value: r.value === null ? null : Buffer.from(r.value).toString("utf8"),
    error: r.error,
    createdAt: r.createdAt.toISOString(),
  }));
  return { items, next };
}
