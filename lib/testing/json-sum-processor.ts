// A processor for the runtime's tests and benchmarks: sums a whole-number JSON field per message key
// into count-by-key's table, so their helpers read its results (job-faults.int.test.ts: poison records
// and onError policies; scripts/bench/dead-letters.ts). README's example with a table of its own is
// processors/examples/sum-field.ts.
import { z } from "zod";
import { chunk } from "@/lib/domain/chunk";
import { dialectSql } from "@/lib/server/db/sql-dialect";
import { eachRecord, jsonValue, type Processor } from "@/lib/server/processors/processor";

const configSchema = z.strictObject({
  /** The JSON field to add up, e.g. "amount" for {"amount": 3}. */
  field: z.string().min(1),
});

export const sumField: Processor<z.output<typeof configSchema>> = {
  name: "example.sum-field",
  description: "Sums a whole-number JSON field per message key",
  configSchema,

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
    // 2. Write through tx only, a few statements per batch: it commits with the job's offsets.
    //    (This example reuses count-by-key's table, so the results API and page show the sums.)
    for (const rows of chunk([...sums], 1000)) {
      await tx.$executeRawUnsafe(
        dialectSql(
          tx,
          `INSERT INTO "KeyCount" ("jobId", "windowStart", "key", "count") VALUES ${rows.map(() => "(?, 0, ?, ?)").join(", ")}
           ON CONFLICT ("jobId", "windowStart", "key") DO UPDATE SET "count" = "KeyCount"."count" + excluded."count"`,
        ),
        ...rows.flatMap(([key, sum]) => [jobId, key, sum]),
      );
    }
  },
};
