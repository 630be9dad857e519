/**
 * Legacy (magic 0/1) message sets, as old producers and old log segments hold them: kafkajs decodes
 * them; these pick the range's records out and say how far a fetch reached.
 */
import type { KafkaRecord } from "@/lib/domain/types";
import { toBatch, type RawMessage } from "./kafkajs-internals";

/** Records of a legacy (magic 0/1) message set in the range, through kafkajs' Batch filtering. */
export function legacyRecords(tp: { topic: string; partition: number }, range: { fromOffset: number; untilOffset: number }, messages: RawMessage[]): KafkaRecord[] {
  const batch = toBatch(tp.topic, range.fromOffset, { partition: tp.partition, errorCode: 0, highWatermark: "0", abortedTransactions: [], messages });
  const records: KafkaRecord[] = [];
  for (const m of batch.messages) {
    const offset = Number(m.offset);
    if (offset >= range.untilOffset) break;
    records.push({ topic: tp.topic, partition: tp.partition, offset, timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value ?? null, headers: m.headers ?? {} });
  }
  return records;
}

/**
 * The last offset a fetch covered, including what filtering removed, so reading moves past it.
 * Messages come in offset order, record batch after record batch: the last one decides.
 */
export function furthestOffset(messages: RawMessage[]): number {
  const last = messages[messages.length - 1];
  if (!last) return -1;
  const offset = Number(last.offset);
  return last.batchContext ? Math.max(offset, Number(last.batchContext.firstOffset) + last.batchContext.lastOffsetDelta) : offset;
}
