import type { ListDto } from "@/lib/contracts/jobs";
import type { ResultRowDto } from "@/lib/contracts/processors";
import { page } from "@/lib/domain/page";
import { jobProcessor } from "./job-processor";
import type { Db } from "../stores/tx";

/**
 * A job's results as its processor lists them (its `results.query`), a page at a time; `key` filters
 * where the processor supports it. Cursor = how many rows the pages before held. A processor that lists
 * no results gives an empty list.
 */
export async function listResults(db: Db, job: { id: string; processor: string }, opts: { limit: number; key?: string; after?: string }): Promise<ListDto<ResultRowDto>> {
  const results = jobProcessor(job).results;
  if (!results) return { items: [], next: null };
  const offset = opts.after ? Number(opts.after) : 0;
  const { rows, next } = await page(
    opts.limit,
    (take) => results.query(db, job.id, { limit: take, offset, key: opts.key }),
    () => String(offset + opts.limit),
  );
  return { items: rows.map(jsonRow), next };
}

/** BigInt columns (SQLite integers read raw) as numbers, or as text beyond 2^53. */
function jsonRow(row: Record<string, unknown>): ResultRowDto {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v instanceof Date ? v.toISOString() : v]),
  );
}
