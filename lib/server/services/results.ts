import type { KeyCountDto, ListDto } from "@/lib/contracts/jobs";
import { page } from "@/lib/domain/page";
import type { Db } from "../stores/tx";

/** count-by-key output (per window when windowed), largest counts first; `key` filters to one key. Cursor = offset into the ranking. */
export async function listKeyCounts(
  db: Db,
  jobId: string,
  opts: { limit: number; key?: string; after?: string },
): Promise<ListDto<KeyCountDto>> {
  const skip = opts.after ? Number(opts.after) : 0;
  const { rows, next } = await page(
    opts.limit,
    (take) => db.keyCount.findMany({ where: { jobId, ...(opts.key !== undefined ? { key: opts.key } : {}) }, orderBy: [{ count: "desc" }, { key: "asc" }], skip, take }),
    () => String(skip + opts.limit),
  );
  const items = rows.map((r) =>
    r.windowStart === BigInt(0)
      ? { key: r.key, count: Number(r.count) }
      : { key: r.key, count: Number(r.count), windowStart: new Date(Number(r.windowStart)).toISOString() },
  );
  return { items, next };
}
