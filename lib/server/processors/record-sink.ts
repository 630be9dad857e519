/** What a RecordSink (processor.ts) takes besides records, and the refusal it may answer with. */

/** Codecs a sink can write record batches with (Kafka's names; "none" = uncompressed). */
export const SINK_COMPRESSIONS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
export type SinkCompression = (typeof SINK_COMPRESSIONS)[number];

export interface SinkSendOptions {
  /** Codec of the record batches written; default "none". */
  compression?: SinkCompression;
}

/**
 * One record is larger than the target topic accepts (`max.message.bytes`), so no split of the send
 * can write it. `index` is the record's position in the messages given to `send`; `written` says how
 * many messages before it were written: none when the sink knew the limit beforehand, more only when
 * the broker refused a send part-way (the topic's limit lowered meanwhile).
 */
export class MessageTooLargeError extends Error {
  readonly code = "MESSAGE_TOO_LARGE";

  constructor(
    readonly index: number,
    readonly bytes: number,
    readonly topic: string,
    readonly maxMessageBytes: number,
    readonly written = 0,
  ) {
    super(`MESSAGE_TOO_LARGE: record of ${bytes} bytes exceeds topic '${topic}' max.message.bytes ${maxMessageBytes}`);
    this.name = "MessageTooLargeError";
  }
}
