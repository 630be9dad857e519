import type { DeadLetterDto, ListDto } from "@/lib/contracts/jobs";
import type { SchemaDecodingDto } from "@/lib/contracts/records";
import { chunk } from "@/lib/domain/chunk";
import { page } from "@/lib/domain/page";
import type { KafkaRecord } from "@/lib/domain/types";
import { numberedPlaceholders, sqlDialect } from "../db/sql-dialect";
import type { Db, Tx } from "./tx";

export interface DeadLetterInput {
  record: KafkaRecord;
  error: string;
}

/** Rows per INSERT: 9 parameters each, well under SQLite's parameter limit. */
const LETTERS_PER_STATEMENT = 500;

const DEAD_LETTER_COLUMNS = `"jobId", "batchId", "topic", "partition", "offset", "key", "value", "error", "createdAt"`;

/** A record skipped again (a replay) replaces its row, with a new id as SQLite's OR REPLACE gives it. */
function insertSql(tx: Tx, rows: number): string {
  const values = Array(rows).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ");
  if (sqlDialect(tx) === "sqlite") return `INSERT OR REPLACE INTO "DeadLetter" (${DEAD_LETTER_COLUMNS}) VALUES ${values}`;
  return numberedPlaceholders(
    `INSERT INTO "DeadLetter" (${DEAD_LETTER_COLUMNS}) VALUES ${values}
     ON CONFLICT ("jobId", "topic", "partition", "offset") DO UPDATE SET "id" = excluded."id", "batchId" = excluded."batchId",
       "key" = excluded."key", "value" = excluded."value", "error" = excluded."error", "createdAt" = excluded."createdAt"`,
  );
}

/**
 * Inside the batch transaction: the skipped records commit with the batch, or not at all. A few
 * multi-row statements however many records were skipped; a record skipped again (a replay) keeps
 * one row.
 */
export async function insertDeadLetters(tx: Tx, jobId: string, batchId: number, letters: DeadLetterInput[]): Promise<void> {
  const createdAt = new Date().toISOString();
  for (const rows of chunk(letters, LETTERS_PER_STATEMENT)) {
    await tx.$executeRawUnsafe(
      insertSql(tx, rows.length),
      ...rows.flatMap(({ record, error }) => [jobId, batchId, record.topic, record.partition, record.offset, record.key, record.value, error.slice(0, 2000), createdAt]),
    );
  }
}

export async function countDeadLetters(db: Db, jobId: string): Promise<number> {
  return db.deadLetter.count({ where: { jobId } });
}

/** Decodes a key or value kept in the Schema Registry wire format; undefined for other bytes. */
export type PayloadDecoding = (bytes: Buffer | null) => Promise<SchemaDecodingDto | undefined>;

export async function listDeadLetters(db: Db, jobId: string, opts: { limit: number; before?: number }, decode?: PayloadDecoding): Promise<ListDto<DeadLetterDto>> {
  const { rows, next } = await page(
    opts.limit,
    (take) => db.deadLetter.findMany({ where: { jobId, ...(opts.before ? { id: { lt: opts.before } } : {}) }, orderBy: { id: "desc" }, take }),
    (last) => String(last.id),
  );
  const items = await Promise.all(
    rows.map(async (r) => {
      const key = r.key === null ? null : Buffer.from(r.key);
      const value = r.value === null ? null : Buffer.from(r.value);
      const [keyDecoded, valueDecoded] = decode ? await Promise.all([decode(key), decode(value)]) : [];
      return {
        id: r.id,
        batchId: r.batchId,
        topic: r.topic,
        partition: r.partition,
        offset: Number(r.offset),
        key: key === null ? null : key.toString("utf8"),
        value: value === null ? null : value.toString("utf8"),
        ...(keyDecoded ? { keyDecoded } : {}),
        ...(valueDecoded ? { valueDecoded } : {}),
        error: r.error,
        createdAt: r.createdAt.toISOString(),
      };
    }),
  );
  return { items, next };
}
