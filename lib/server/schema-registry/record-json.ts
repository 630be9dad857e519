// Loaded by the job runtime too (forward), which runs outside Next.js: no "server-only" marker here.
import type { KafkaRecord } from "@/lib/domain/types";
import { jsonValue, RecordError } from "../processors/processor";
import { recordDecoderFromEnv, type RecordDecoder } from "./record-decoder";

/**
 * Prepares a synchronous reader of record values as JSON for a batch: values in the Schema Registry
 * wire format are decoded with their schema (fetched here, once per id), other values parsed as JSON.
 * A value that cannot be decoded is a RecordError naming the code (dead letter, or the batch fails at
 * it); an unreachable registry rejects here, so the batch fails and is retried with no record lost.
 */
export async function valueJsonReader(records: KafkaRecord[], decoder: RecordDecoder | null = recordDecoderFromEnv()): Promise<(record: KafkaRecord) => unknown> {
  if (!decoder) return jsonValue;
  const decode = await decoder.prepare(records.map((r) => r.value));
  return (record) => {
    const result = decode(record.value);
    if (!result) return jsonValue(record);
    if (!result.ok) throw new RecordError(record, `${result.code}: ${result.message}`);
    return result.value;
  };
}
