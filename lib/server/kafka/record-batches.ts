/**
 * Kafka record batches (message format v2, "magic 2") decoded straight into Tidemark's records.
 *
 * Why not kafkajs' decoder: it builds a message object per record with its offset and timestamp as
 * strings through a 64-bit Long class, then a second array for filtering; for ~100-byte records that
 * garbage was a third of the runtime's CPU (see BENCHMARKS.md). This decoder reads the bytes once and
 * makes one object per record that is kept, and only for offsets inside the requested range.
 *
 * Layout: https://kafka.apache.org/documentation/#recordbatch. Legacy message sets (magic 0/1, which
 * Kafka 4 no longer writes) are left to kafkajs (see kafkajs-internals.ts).
 */
import type { KafkaRecord } from "@/lib/domain/types";

/** Bytes from a batch's base offset to its first record. */
const BATCH_HEADER_BYTES = 61;
/** The batch length field (after the 8-byte base offset) counts the bytes after itself. */
const LENGTH_AT = 8;
const LOG_OVERHEAD = 12;
const MAGIC_AT = 16;
const CODEC_MASK = 0x07;
const LOG_APPEND_TIME = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const ABORT_MARKER = 0;

export interface RecordBatchView {
  baseOffset: number;
  lastOffset: number;
  /** Position in the record set: start of the batch, and end (exclusive). */
  start: number;
  end: number;
  attributes: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  count: number;
}

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: number;
}

/** Turns a compressed records section back into bytes (kafkajs' codec registry, see kafkajs-internals). */
export type Decompress = (attributes: number, compressed: Buffer) => Promise<Buffer>;

/** The whole size of the batch at `pos` (log overhead included), as its header announces. */
function announcedBatchBytes(set: Buffer, pos: number): number {
  return LOG_OVERHEAD + set.readInt32BE(pos + LENGTH_AT);
}

/**
 * The size the first batch of a record set announces, when the set holds at least that batch's length
 * field: a fetch size that lets the whole batch through. Null for a set too short to tell.
 */
export function firstBatchBytes(set: Buffer): number | null {
  return set.length >= LOG_OVERHEAD ? announcedBatchBytes(set, 0) : null;
}

/**
 * The complete batches of a fetched record set, in offset order. A last batch cut off by the fetch
 * size limit is left out (the next fetch starts at it). Null when the set starts with a legacy message
 * set (magic 0 or 1); reading stops at the first legacy batch after v2 ones.
 */
export function listRecordBatches(set: Buffer): RecordBatchView[] | null {
  const batches: RecordBatchView[] = [];
  let pos = 0;
  while (pos + BATCH_HEADER_BYTES <= set.length) {
    const end = pos + announcedBatchBytes(set, pos);
    if (end > set.length) break;
    if (set.readInt8(pos + MAGIC_AT) < 2) return batches.length === 0 ? null : batches;
    const baseOffset = Number(set.readBigInt64BE(pos));
    batches.push({
      baseOffset,
      lastOffset: baseOffset + set.readInt32BE(pos + 23),
      start: pos,
      end,
      attributes: set.readInt16BE(pos + 21),
      baseTimestamp: Number(set.readBigInt64BE(pos + 27)),
      maxTimestamp: Number(set.readBigInt64BE(pos + 35)),
      producerId: set.readBigInt64BE(pos + 43),
      count: set.readInt32BE(pos + 57),
    });
    pos = end;
  }
  return batches;
}

/**
 * Appends to `out` the records of `batches` with fromOffset ≤ offset < untilOffset, leaving out control
 * records and records of aborted transactions (Kafka's read_committed rules: an aborted transaction
 * starts at its listed first offset and ends at its producer's abort marker).
 */
export async function decodeRecordBatches(
  tp: { topic: string; partition: number },
  set: Buffer,
  batches: RecordBatchView[],
  aborted: AbortedTransaction[],
  range: { fromOffset: number; untilOffset: number },
  decompress: Decompress,
  out: KafkaRecord[],
): Promise<void> {
  const pendingAborts = aborted.length > 1 ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : aborted;
  let nextAbort = 0;
  const abortedProducers = new Set<bigint>();
  for (const batch of batches) {
    while (nextAbort < pendingAborts.length && pendingAborts[nextAbort].firstOffset <= batch.lastOffset) {
      abortedProducers.add(pendingAborts[nextAbort++].producerId);
    }
    if (batch.attributes & CONTROL) {
      if (abortedProducers.size > 0 && controlType(set, batch) === ABORT_MARKER) abortedProducers.delete(batch.producerId);
      continue;
    }
    if (batch.baseOffset >= range.untilOffset) break;
    if (batch.lastOffset < range.fromOffset) continue;
    if (batch.attributes & TRANSACTIONAL && abortedProducers.has(batch.producerId)) continue;

    readRecords(await recordsOf(set, batch, decompress), tp, batch, range, out);
  }
}

function readRecords(r: Reader, tp: { topic: string; partition: number }, batch: RecordBatchView, range: { fromOffset: number; untilOffset: number }, out: KafkaRecord[]): void {
  const logAppendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
  const { topic, partition } = tp;
  for (let i = 0; i < batch.count; i++) {
    const length = r.varint();
    const next = r.pos + length;
    r.pos += 1; // record attributes: unused
    const timestampDelta = r.varint();
    const offset = batch.baseOffset + r.varint();
    if (offset < range.fromOffset) {
      r.pos = next;
      continue;
    }
    if (offset >= range.untilOffset) return;
    const key = r.bytes();
    const value = r.bytes();
    const headerCount = r.varint();
    let headers: Record<string, Buffer | string | undefined> = NO_HEADERS;
    if (headerCount > 0) {
      headers = {};
      for (let h = 0; h < headerCount; h++) {
        const nameLength = r.varint();
        const name = r.buf.toString("utf8", r.pos, r.pos + nameLength);
        r.pos += nameLength;
        // A repeated header name keeps its last value.
        headers[name] = r.bytes() ?? undefined;
      }
    }
    out.push({
      topic,
      partition,
      offset,
      timestamp: logAppendTime ? batch.maxTimestamp : batch.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
    r.pos = next;
  }
}

/** Shared by records without headers; frozen so a processor cannot change every other record's. */
const NO_HEADERS: Record<string, Buffer | string | undefined> = Object.freeze({}) as Record<string, Buffer | string | undefined>;

/** A reader at a batch's first record: in the record set itself, or in its decompressed records section. */
async function recordsOf(set: Buffer, batch: RecordBatchView, decompress: Decompress): Promise<Reader> {
  if ((batch.attributes & CODEC_MASK) === 0) return new Reader(set, batch.start + BATCH_HEADER_BYTES);
  return new Reader(await decompress(batch.attributes, set.subarray(batch.start + BATCH_HEADER_BYTES, batch.end)), 0);
}

/** A control batch's marker type (0 abort, 1 commit) from its first record's key. */
function controlType(set: Buffer, batch: RecordBatchView): number {
  const r = new Reader(set, batch.start + BATCH_HEADER_BYTES);
  r.varint(); // length
  r.pos += 1; // attributes
  r.varint(); // timestamp delta
  r.varint(); // offset delta
  const key = r.bytes();
  return key && key.length >= 4 ? key.readInt16BE(2) : -1;
}

/** Zig-zag varints and length-prefixed bytes of the record format. */
class Reader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  varint(): number {
    const b = this.buf;
    let byte = b[this.pos++];
    let raw = byte & 0x7f;
    let scale = 128;
    while (byte & 0x80) {
      byte = b[this.pos++];
      raw += (byte & 0x7f) * scale;
      scale *= 128;
    }
    // Plain arithmetic instead of 32-bit operators: timestamp deltas may exceed 32 bits.
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  bytes(): Buffer | null {
    const length = this.varint();
    if (length < 0) return null;
    const start = this.pos;
    this.pos += length;
    return this.buf.subarray(start, this.pos);
  }
}

/**
 * The timestamp of the first record at or after `offset` in a record set (control batches skipped),
 * found by skipping over records without building any: the lag sampler's "age of the oldest unread
 * record". Null when the set holds no such record.
 */
export async function timestampAtOrAfter(set: Buffer, batches: RecordBatchView[], offset: number, decompress: Decompress): Promise<number | null> {
  for (const batch of batches) {
    if (batch.lastOffset < offset || batch.attributes & CONTROL) continue;
    if (batch.attributes & LOG_APPEND_TIME) return batch.maxTimestamp;
    const r = await recordsOf(set, batch, decompress);
    for (let i = 0; i < batch.count; i++) {
      const length = r.varint();
      const next = r.pos + length;
      r.pos += 1;
      const timestampDelta = r.varint();
      if (batch.baseOffset + r.varint() >= offset) return batch.baseTimestamp + timestampDelta;
      r.pos = next;
    }
  }
  return null;
}
