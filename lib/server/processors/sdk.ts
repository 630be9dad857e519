/**
 * What a processor's module imports: `import { defineProcessor } from "tidemark/processor"` (a path
 * kept stable across upgrades: tsconfig.json, vitest.config.mts and the folder bundler map it here).
 * It is bundled into each processor of the processors folder, so it holds no state and imports no
 * server module at run time.
 */
import type { z } from "zod";
import type { Processor } from "./processor";

export { RecordError, eachRecord, jsonValue } from "./processor";
export type {
  BatchFold,
  MigrationSql,
  Processor,
  ProcessorBatch,
  ProcessorMigration,
  ProcessorResults,
  RecordSink,
  ResultColumn,
  ResultsPage,
  SqlDialect,
} from "./processor";
export type { KafkaRecord, StoredOffset } from "@/lib/domain/types";
export type { Db, Tx } from "../stores/tx";

/** Marks a module's export as a processor, so the folder loader finds it whatever its export name. */
export const PROCESSOR_MARK = Symbol.for("tidemark.processor");

/**
 * A processor, typed by its config schema: `config` in `process` is the schema's output. Export it
 * from a module in the processors folder (default or named export).
 */
export function defineProcessor<Schema extends z.ZodType>(processor: Processor<z.output<Schema>> & { configSchema: Schema }): Processor<z.output<Schema>> {
  return Object.assign(processor, { [PROCESSOR_MARK]: true });
}
