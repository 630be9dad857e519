// A windowed aggregate with its own tables: per message key and tumbling window of record time, the
// number of records and the sum of a JSON field. It keeps each batch's contribution as well, so a
// replay can roll batches back exactly (README "Replay"). Copy it into the processors folder to use it.
import { z } from "zod";
import { defineProcessor, eachRecord, jsonValue, type KafkaRecord } from "tidemark/processor";

type Row = { windowStart: number; key: string; records: number; total: number };

export default defineProcessor({
  name: "windowed-totals",
  description: "Counts records and sums a JSON field per key and tumbling window of record time",
  configSchema: z.strictObject({
    field: z.string().min(1).describe("The whole-number JSON field to add up"),
    windowMs: z.number().int().min(1000).default(60_000).describe("Window length in milliseconds (at least 1000)"),
  }),
  tables: ["windowed_totals", "windowed_totals_batches"],
  migrations: [
    {
      id: "001-create",
      sql: `CREATE TABLE windowed_totals ("jobId" TEXT NOT NULL, "windowStart" INTEGER NOT NULL, "key" TEXT NOT NULL,
              "records" INTEGER NOT NULL, "total" INTEGER NOT NULL, PRIMARY KEY ("jobId", "windowStart", "key"));
            CREATE TABLE windowed_totals_batches ("jobId" TEXT NOT NULL, "batchId" INTEGER NOT NULL, "windowStart" INTEGER NOT NULL,
              "key" TEXT NOT NULL, "records" INTEGER NOT NULL, "total" INTEGER NOT NULL, PRIMARY KEY ("jobId", "batchId", "windowStart", "key"))`,
    },
  ],
  reprocessing: "added-again",

  async process({ jobId, batchId, records, config, skip }, tx) {
    const rows = aggregate(records, config, skip);
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      const values = (extra: number) => part.map(() => `(${"?, ".repeat(4 + extra)}?)`).join(", ");
      await tx.$executeRawUnsafe(
        `INSERT INTO windowed_totals ("jobId", "windowStart", "key", "records", "total") VALUES ${values(0)}
         ON CONFLICT ("jobId", "windowStart", "key") DO UPDATE SET "records" = "records" + excluded."records", "total" = "total" + excluded."total"`,
        ...part.flatMap((r) => [jobId, r.windowStart, r.key, r.records, r.total]),
      );
      // This batch's own contribution: what a rollback takes back out.
      await tx.$executeRawUnsafe(
        `INSERT INTO windowed_totals_batches ("jobId", "batchId", "windowStart", "key", "records", "total") VALUES ${values(1)}`,
        ...part.flatMap((r) => [jobId, batchId, r.windowStart, r.key, r.records, r.total]),
      );
    }
  },

  async rollback(jobId, fromBatchId, tx) {
    const sum = (column: string) => `(SELECT SUM(b."${column}") FROM windowed_totals_batches b WHERE b."jobId" = t."jobId" AND b."windowStart" = t."windowStart" AND b."key" = t."key" AND b."batchId" >= ?)`;
    await tx.$executeRawUnsafe(
      `UPDATE windowed_totals AS t SET "records" = "records" - ${sum("records")}, "total" = "total" - ${sum("total")}
       WHERE "jobId" = ? AND ${sum("records")} IS NOT NULL`,
      fromBatchId, fromBatchId, jobId, fromBatchId,
    );
    await tx.$executeRawUnsafe(`DELETE FROM windowed_totals WHERE "jobId" = ? AND "records" <= 0`, jobId);
    await tx.$executeRawUnsafe(`DELETE FROM windowed_totals_batches WHERE "jobId" = ? AND "batchId" >= ?`, jobId, fromBatchId);
  },

  async clear(jobId, tx) {
    await tx.$executeRawUnsafe(`DELETE FROM windowed_totals WHERE "jobId" = ?`, jobId);
    await tx.$executeRawUnsafe(`DELETE FROM windowed_totals_batches WHERE "jobId" = ?`, jobId);
  },

  results: {
    columns: [
      { key: "window", label: "Window start" },
      { key: "key", label: "Key" },
      { key: "records", label: "Records", numeric: true },
      { key: "total", label: "Total", numeric: true },
    ],
    async query(db, jobId, { limit, offset }) {
      const rows = await db.$queryRawUnsafe<{ windowStart: bigint | number; key: string; records: bigint | number; total: bigint | number }[]>(
        `SELECT "windowStart", "key", "records", "total" FROM windowed_totals WHERE "jobId" = ? ORDER BY "windowStart" DESC, "key" LIMIT ? OFFSET ?`,
        jobId, limit, offset,
      );
      return rows.map((r) => ({ window: new Date(Number(r.windowStart)).toISOString(), key: r.key, records: Number(r.records), total: Number(r.total) }));
    },
  },
});

function aggregate(records: KafkaRecord[], config: { field: string; windowMs: number }, skip?: Parameters<typeof eachRecord>[2]): Row[] {
  const rows = new Map<string, Row>();
  eachRecord(records, (record) => {
    const n = (jsonValue(record) as Record<string, unknown>)?.[config.field];
    if (typeof n !== "number" || !Number.isInteger(n)) throw new Error(`field '${config.field}' is not a whole number`);
    const key = record.key?.toString("utf8") ?? "(null)";
    const windowStart = record.timestamp - (record.timestamp % config.windowMs);
    const id = `${windowStart}\u0000${key}`;
    const row = rows.get(id) ?? { windowStart, key, records: 0, total: 0 };
    row.records += 1;
    row.total += n;
    rows.set(id, row);
  }, skip);
  return [...rows.values()];
}
