import { partitionKey, type KafkaRecord, type OffsetRange } from "@/lib/domain/types";
import type { RecordError } from "../processors/processor";
import type { DeadLetterInput } from "../stores/dead-letter-store";

/** Records a processor handed to `batch.skip`: dead-lettered in the batch's transaction. */
export class SkippedRecords {
  readonly letters: DeadLetterInput[] = [];
  private readonly offsets = new Set<string>();
  private readonly ranges: Map<string, OffsetRange>;

  constructor(planned: OffsetRange[]) {
    this.ranges = new Map(planned.map((r) => [partitionKey(r), r]));
  }

  readonly skip = (error: RecordError): void => {
    const { record } = error;
    const range = this.ranges.get(partitionKey(record));
    if (!range || record.offset < range.fromOffset || record.offset >= range.untilOffset) {
      throw new Error(`a processor skipped ${record.topic}/${record.partition} offset ${record.offset}, which this batch does not read`);
    }
    const id = `${partitionKey(record)}:${record.offset}`;
    if (this.offsets.has(id)) return;
    this.offsets.add(id);
    this.letters.push(deadLetter(error));
  };

  /** The records minus those skipped. */
  without(records: KafkaRecord[]): KafkaRecord[] {
    if (this.letters.length === 0) return records;
    return records.filter((r) => !this.offsets.has(`${partitionKey(r)}:${r.offset}`));
  }
}

/** A dead letter owns copies of key and value (a view would keep a whole fetch response in memory); headers are not kept. */
export function deadLetter({ record, message }: RecordError): DeadLetterInput {
  const { topic, partition, offset, timestamp } = record;
  return { record: { topic, partition, offset, timestamp, key: record.key && Buffer.from(record.key), value: record.value && Buffer.from(record.value), headers: {} }, error: message };
}
