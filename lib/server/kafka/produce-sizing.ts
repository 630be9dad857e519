/**
 * How big a produce request gets, so the forward sink can split its sends under the target topic's
 * `max.message.bytes` (the broker checks each partition's record batch against it, log overhead
 * included) and under a request size of its own choosing.
 *
 * The figures are upper bounds of the v2 record format (https://kafka.apache.org/documentation/#record):
 * a record is its key, value and headers plus at most 41 bytes of lengths and deltas (varints at
 * their widest), each header 10 more; a batch adds 61 bytes (offset, length, header, record count).
 */

/** Bytes of a record batch besides its records: log overhead (12) + batch header (49). */
export const RECORD_BATCH_OVERHEAD = 61;
/** Widest length, attributes, timestamp delta, offset delta, key length, value length and header count. */
const RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;
/** Widest header key length and value length. */
const HEADER_OVERHEAD = 5 + 5;
/**
 * The largest send the sink makes of several records. Kafka's own producer stops at 1 MB
 * (`max.request.size`); a few MB keep round trips few while one request stays a small part of the
 * runtime's memory.
 */
export const MAX_SEND_BYTES = 4 * 1024 * 1024;
/**
 * Room for a codec's growth on incompressible data: gzip, snappy, lz4 and zstd add less than 1%
 * plus a frame of a few dozen bytes; 2% and 1 KiB cover that with margin.
 */
const CODEC_GROWTH = 1.02;
const CODEC_FRAME_BYTES = 1024;

export interface SizedMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string>;
}

const bytesOf = (data: Buffer | string | null | undefined) => (data == null ? 0 : typeof data === "string" ? Buffer.byteLength(data) : data.length);

/** Upper bound of a record's encoded size in a v2 record batch, uncompressed. */
export function recordBytes(message: SizedMessage): number {
  let size = RECORD_OVERHEAD + bytesOf(message.key) + bytesOf(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) size += HEADER_OVERHEAD + Buffer.byteLength(name) + bytesOf(value);
  return size;
}

/** Upper bound of the record batch holding just this record, uncompressed (what a topic limit is held against). */
export function singleRecordBatchBytes(message: SizedMessage): number {
  return RECORD_BATCH_OVERHEAD + recordBytes(message);
}

/**
 * Bytes of records (as `recordBytes` counts them) one send may carry: its batches must stay within
 * `maxMessageBytes` even if every record lands in the same partition, and a codec may grow
 * incompressible data a little.
 */
export function sendBudget(maxMessageBytes: number, compressed: boolean): number {
  const limit = Math.min(maxMessageBytes, MAX_SEND_BYTES) - RECORD_BATCH_OVERHEAD;
  return Math.max(1, compressed ? Math.floor((limit - CODEC_FRAME_BYTES) / CODEC_GROWTH) : limit);
}

/**
 * The end (exclusive) of the send that starts at `from`: records in order while their sizes fit
 * `budget`; a record larger than the budget goes alone.
 */
export function sendEnd(sizes: number[], from: number, budget: number): number {
  let bytes = sizes[from];
  let until = from + 1;
  while (until < sizes.length && bytes + sizes[until] <= budget) bytes += sizes[until++];
  return until;
}

/** Every send of `sendEnd`, as [from, until) index pairs covering the records in order. */
export function splitSends(sizes: number[], budget: number): [number, number][] {
  const sends: [number, number][] = [];
  for (let from = 0; from < sizes.length; ) {
    const until = sendEnd(sizes, from, budget);
    sends.push([from, until]);
    from = until;
  }
  return sends;
}
