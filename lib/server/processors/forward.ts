import { z } from "zod";
import { topicNameSchema } from "@/lib/contracts/jobs";
import type { KafkaRecord } from "@/lib/domain/types";
import { valueJsonReader } from "../schema-registry/record-json";
import { eachRecord, RecordError, type Processor } from "./processor";
import { MessageTooLargeError, SINK_COMPRESSIONS } from "./record-sink";

export const forwardConfig = z.strictObject({
  /** Target topic (must exist). */
  topic: topicNameSchema,
  /** Forward only records whose JSON value has `field` equal to `equals`. */
  filter: z.strictObject({ field: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean(), z.null()]) }).optional(),
  /** Take the target record's key from this JSON field (stringified); default: the source key. */
  keyField: z.string().min(1).optional(),
  /** Codec of the record batches written to the target; default none. */
  compression: z
    .enum(SINK_COMPRESSIONS, { error: () => `compression must be one of ${SINK_COMPRESSIONS.map((c) => `"${c}"`).join(", ")}` })
    .default("none"),
});
export type ForwardConfig = z.output<typeof forwardConfig>;

/**
 * Writes records to another topic through an idempotent producer (no duplicates from the
 * producer's own retries). The send is its `deliver` phase: it happens before the batch's
 * transaction opens (a slow target, acks=all with retries, then holds up no other job and not the
 * web server) and before the batch commits, so a crash between the two sends the batch again on
 * re-run: the sink is at-least-once unless the target is read with de-duplication (e.g. on the
 * source topic/partition/offset headers it adds).
 *
 * The sink splits the batch into requests within the target topic's `max.message.bytes`; a record
 * too large for the target even alone is this processor's RecordError, found before anything is sent,
 * so the job's onError decides (dead letter, or the batch fails at that record).
 */
export const forward: Processor<ForwardConfig> = {
  name: "forward",
  description: "Forwards records (optionally filtered, re-keyed) to another topic; at-least-once",
  configSchema: forwardConfig,
  // Its output is records in another topic: a replay sends them again, and there is nothing to clear or roll back.
  reprocessing: "sent-again",

  async deliver({ records, config, sink, skip }) {
    const needsJson = config.filter !== undefined || config.keyField !== undefined;
    // Values in the Schema Registry wire format are filtered and keyed on their decoded fields.
    const readJson = needsJson ? await valueJsonReader(records) : null;
    let out: { key: Buffer | string | null; value: Buffer | null; headers: Record<string, string> }[] = [];
    let sources: KafkaRecord[] = [];
    // Decide every record before sending any, so a bad record fails the batch before any write.
    eachRecord(
      records,
      (record) => {
        let key: Buffer | string | null = record.key;
        if (needsJson) {
          const json = readJson!(record) as Record<string, unknown> | null;
          if (typeof json !== "object" || json === null) throw new RecordError(record, "value is not a JSON object");
          if (config.filter && json[config.filter.field] !== config.filter.equals) return;
          if (config.keyField) {
            const value = json[config.keyField];
            key = value === undefined || value === null ? null : typeof value === "string" ? value : JSON.stringify(value);
          }
        }
        out.push({
          key,
          value: record.value,
          headers: { "tidemark.source": `${record.topic}/${record.partition}/${record.offset}` },
        });
        sources.push(record);
      },
      skip,
    );
    while (out.length > 0) {
      try {
        await sink.send(config.topic, out, { compression: config.compression });
        return;
      } catch (error) {
        if (!(error instanceof MessageTooLargeError)) throw error;
        const tooLarge = new RecordError(sources[error.index], error.message, { cause: error });
        if (!skip) throw tooLarge;
        // Dead-letter it and send what was not written yet, without it.
        skip(tooLarge);
        out = [...out.slice(error.written, error.index), ...out.slice(error.index + 1)];
        sources = [...sources.slice(error.written, error.index), ...sources.slice(error.index + 1)];
      }
    }
  },

  // Nothing to write to the database: deliver sent the batch; the runtime commits its offsets.
  async process() {},
};
