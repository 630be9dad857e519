import "server-only";
import type { z } from "zod";
import type { deadLettersQuerySchema, listQuerySchema, recordsQuerySchema } from "@/lib/contracts/jobs";
import { page } from "@/lib/domain/page";
import { listBatches } from "../stores/batch-store";
import { recordDecoderFromEnv, toSchemaDecodingDto } from "../schema-registry/record-decoder";
import { listDeadLetters } from "../stores/dead-letter-store";
import { listStoredRecords } from "../stores/record-store";
import type { Db } from "../stores/tx";
import { requireJob } from "./jobs";

type ListQuery = z.output<typeof listQuerySchema>;
type DeadLettersQuery = z.output<typeof deadLettersQuerySchema>;
type RecordsQuery = z.output<typeof recordsQuerySchema>;

/** A job's batches, newest first, a page at a time (`next` is the cursor for `before`). */
export async function listJobBatches(db: Db, jobId: string, { limit, before }: ListQuery) {
  const job = await requireJob(db, jobId);
  const { rows, next } = await page(limit, (take) => listBatches(db, job.id, { limit: take, before }), (last) => String(last.id));
  return { items: rows, next };
}

/** Records a job skipped under onError "skip", newest first; keys and values in the Schema Registry wire format decoded. */
export async function listJobDeadLetters(db: Db, jobId: string, { limit, before }: DeadLettersQuery) {
  const job = await requireJob(db, jobId);
  const decoder = recordDecoderFromEnv();
  const decode = decoder ? async (bytes: Buffer | null) => {
    const result = await decoder.decode(bytes);
    return result ? toSchemaDecodingDto(result) : undefined;
  } : undefined;
  return listDeadLetters(db, job.id, { limit, before }, decode);
}

/** What a store-records job kept, newest offsets first. */
export async function listJobStoredRecords(db: Db, jobId: string, query: RecordsQuery) {
  const job = await requireJob(db, jobId);
  return listStoredRecords(db, job.id, query);
}
