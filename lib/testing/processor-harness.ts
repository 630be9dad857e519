/**
 * Runs a processor over records, batch by batch, in a temporary real SQLite database migrated like
 * Tidemark's (its own migrations too), and gives back what it wrote. For processor authors' tests
 * (README "Write your own processor"):
 *
 *   const run = await runProcessor(myProcessor, { config: { field: "amount" }, batches: [[record({ key: "a", value: { amount: 2 } })]] });
 *   expect(await run.table("my_totals")).toEqual([...]);
 *   await run.close();
 *
 * Each batch runs as the runtime runs it: `deliver` (if any) before the transaction, then `process`
 * in a transaction that commits with a succeeded batch row. `fold` is not used: it must write what
 * `process` writes.
 */
import { randomUUID } from "node:crypto";
import { createJobSchema } from "@/lib/contracts/jobs";
import type { KafkaRecord, StoredOffset } from "@/lib/domain/types";
import type { Processor, ProcessorBatch, RecordError, ResultsPage } from "@/lib/server/processors/processor";
import { applyProcessorMigrations } from "@/lib/server/processors/processor-migrations";
import { insertJob } from "@/lib/server/stores/job-store";
import type { Db } from "@/lib/server/stores/tx";
import { createTempDatabase } from "./temp-db";

export interface HarnessOptions {
  /** The job's processorConfig, checked by the processor's schema. */
  config?: unknown;
  /** The records of each batch, in order. */
  batches: KafkaRecord[][];
  /** "skip": records the processor reports go to `skipped` instead of failing the batch (the job's onError). */
  onError?: "fail" | "skip";
}

export interface HarnessRun {
  db: Db;
  jobId: string;
  /** The id of each batch run, in order (what `rollback` takes). */
  batchIds: number[];
  /** What `deliver` sent through `batch.sink`. */
  sent: { topic: string; key: string | null; value: string | null }[];
  /** Records handed to `batch.skip`. */
  skipped: RecordError[];
  /** Every row of one of the processor's tables. */
  table(name: string): Promise<Record<string, unknown>[]>;
  /** A page of the processor's results, as GET /api/jobs/:id/results would list them. */
  results(page?: Partial<ResultsPage>): Promise<Record<string, unknown>[]>;
  /** Runs more batches on the same database. */
  run(batches: KafkaRecord[][]): Promise<void>;
  /** A replay's rollback of the batch with this id and later ones (rewind: where each partition goes back to). */
  rollback(fromBatchId: number, rewind?: StoredOffset[]): Promise<void>;
  /** A replay's (or a job deletion's) clear. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export async function runProcessor<Config>(processor: Processor<Config>, options: HarnessOptions): Promise<HarnessRun> {
  const temp = createTempDatabase();
  applyProcessorMigrations(temp.url, [processor as Processor<unknown>]);
  const db = temp.client();
  const config = processor.configSchema.parse(options.config ?? {});
  const { id: jobId } = await insertJob(db, createJobSchema.parse({ name: `harness-${randomUUID().slice(0, 8)}`, topics: ["harness"], processor: processor.name, processorConfig: options.config ?? {} }));
  const harness: HarnessRun = {
    db,
    jobId,
    batchIds: [],
    sent: [],
    skipped: [],
    table: (name) => db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${name.replace(/"/g, '""')}"`),
    async results(page = {}) {
      if (!processor.results) throw new Error(`processor '${processor.name}' defines no results`);
      return processor.results.query(db, jobId, { limit: page.limit ?? 1000, offset: page.offset ?? 0, key: page.key });
    },
    async run(batches) {
      for (const records of batches) harness.batchIds.push(await runBatch(db, processor, jobId, config, records, options.onError ?? "fail", harness));
    },
    async rollback(fromBatchId, rewind = []) {
      if (!processor.rollback) throw new Error(`processor '${processor.name}' has no rollback`);
      await db.$transaction((tx) => processor.rollback!(jobId, fromBatchId, tx, rewind));
    },
    async clear() {
      if (!processor.clear) throw new Error(`processor '${processor.name}' has no clear`);
      await db.$transaction((tx) => processor.clear!(jobId, tx));
    },
    async close() {
      await db.$disconnect();
      temp.remove();
    },
  };
  await harness.run(options.batches);
  return harness;
}

async function runBatch<Config>(db: Db, processor: Processor<Config>, jobId: string, config: Config, records: KafkaRecord[], onError: "fail" | "skip", harness: HarnessRun): Promise<number> {
  const { id: batchId } = await db.batch.create({ data: { jobId, batchTime: new Date(), status: "running", attempts: 1 } });
  const skippedHere = new Set<KafkaRecord>();
  const batch: ProcessorBatch<Config> = {
    jobId,
    batchId,
    records,
    config,
    sink: {
      async send(topic, messages) {
        for (const m of messages) harness.sent.push({ topic, key: m.key === null ? null : m.key.toString(), value: m.value === null ? null : m.value.toString() });
      },
    },
    skip:
      onError === "skip"
        ? (error) => {
            harness.skipped.push(error);
            skippedHere.add(error.record);
          }
        : undefined,
  };
  await processor.deliver?.(batch);
  const kept = skippedHere.size > 0 ? records.filter((r) => !skippedHere.has(r)) : records;
  await db.$transaction(async (tx) => {
    await processor.process({ ...batch, records: kept }, tx);
    await tx.batch.update({ where: { id: batchId }, data: { status: "succeeded", records: records.length, completedAt: new Date() } });
  });
  return batchId;
}

let nextOffset = 0;

/** A record for a test: a string or JSON value (objects are serialized), offsets counting up unless given. */
export function record(fields: { key?: string | null; value?: unknown; topic?: string; partition?: number; offset?: number; timestamp?: number; headers?: Record<string, string> }): KafkaRecord {
  const text = (v: unknown) => (v === null || v === undefined ? null : Buffer.from(typeof v === "string" ? v : JSON.stringify(v)));
  return {
    topic: fields.topic ?? "test",
    partition: fields.partition ?? 0,
    offset: fields.offset ?? nextOffset++,
    timestamp: fields.timestamp ?? Date.now(),
    key: text(fields.key),
    value: text(fields.value),
    headers: fields.headers ?? {},
  };
}
