import { z } from "zod";
import type { Processor } from "./processor";
import { chunk } from "@/lib/domain/chunk";

export const NULL_KEY = "(null)";
/** Rows per multi-row upsert: 3 parameters each, well under SQLite's parameter limit. */
const UPSERT_CHUNK = 500;

/** Counts records per message key (UTF-8; a null key counts as "(null)"). */
export const countByKey: Processor<Record<string, never>> = {
  name: "count-by-key",
  description: "Counts records per message key",
  configSchema: z.strictObject({}),

  async process({ jobId, records }, tx) {
    const counts = new Map<string, number>();
    for (const record of records) {
      const key = record.key === null ? NULL_KEY : record.key.toString("utf8");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const rows of chunk([...counts], UPSERT_CHUNK)) {
      const values = rows.map(() => "(?, ?, ?)").join(", ");
      await tx.$executeRawUnsafe(
        `INSERT INTO "KeyCount" ("jobId", "key", "count") VALUES ${values}
         ON CONFLICT ("jobId", "key") DO UPDATE SET "count" = "count" + excluded."count"`,
        ...rows.flatMap(([key, count]) => [jobId, key, count]),
      );
    }
  },

  async clear(jobId, tx) {
    await tx.keyCount.deleteMany({ where: { jobId } });
  },
};
