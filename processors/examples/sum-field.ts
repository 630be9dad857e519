// README example: start
import { z } from "zod";
import { defineProcessor, eachRecord, jsonValue } from "tidemark/processor";

export default defineProcessor({
  name: "sum-field",
  description: "Sums a whole-number JSON field per message key",
  configSchema: z.strictObject({
    field: z.string().min(1).describe('The JSON field to add up, e.g. "amount" for {"amount": 3}'),
  }),

  // Its own table, created at start by its migration (applied once, recorded by Tidemark).
  tables: ["sum_field_totals"],
  migrations: [
    {
      id: "001-create-totals",
      sql: `CREATE TABLE sum_field_totals (
        "jobId" TEXT NOT NULL, "key" TEXT NOT NULL, "total" INTEGER NOT NULL,
        PRIMARY KEY ("jobId", "key"))`,
    },
  ],

  async process({ jobId, records, config, skip }, tx) {
    // 1. Aggregate in memory. eachRecord turns a throw into a RecordError naming the record:
    //    onError "fail" reports its partition/offset; "skip" dead-letters it and carries on
    //    (so check a record before adding it up).
    const sums = new Map<string, number>();
    eachRecord(records, (record) => {
      const value = jsonValue(record) as Record<string, unknown>; // throws "value is not JSON"
      const n = value?.[config.field];
      if (typeof n !== "number" || !Number.isInteger(n)) throw new Error(`field '${config.field}' is not a whole number`);
      const key = record.key?.toString("utf8") ?? "(null)";
      sums.set(key, (sums.get(key) ?? 0) + n);
    }, skip);
    // 2. Write through tx only, a few statements per batch: they commit with the job's offsets.
    const rows = [...sums];
    for (let i = 0; i < rows.length; i += 1000) {
      const part = rows.slice(i, i + 1000); // 3,000 parameters: well under SQLite's limit
      await tx.$executeRawUnsafe(
        `INSERT INTO sum_field_totals ("jobId", "key", "total") VALUES ${part.map(() => "(?, ?, ?)").join(", ")}
         ON CONFLICT ("jobId", "key") DO UPDATE SET "total" = "total" + excluded."total"`,
        ...part.flatMap(([key, sum]) => [jobId, key, sum]),
      );
    }
  },

  // Replaying with results kept adds records again; "clear" (and deleting the job) runs this.
  reprocessing: "added-again",
  async clear(jobId, tx) {
    await tx.$executeRawUnsafe(`DELETE FROM sum_field_totals WHERE "jobId" = ?`, jobId);
  },

  // GET /api/jobs/:id/results and the job page's Results tab.
  results: {
    columns: [
      { key: "key", label: "Key" },
      { key: "total", label: "Total", numeric: true },
    ],
    query: (db, jobId, { limit, offset }) =>
      db.$queryRawUnsafe(`SELECT "key", "total" FROM sum_field_totals WHERE "jobId" = ? ORDER BY "total" DESC, "key" LIMIT ? OFFSET ?`, jobId, limit, offset),
  },
});
// README example: end
