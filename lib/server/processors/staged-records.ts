import type { KafkaRecord } from "@/lib/domain/types";

/** Numbers per staged record: partition slot, offset, timestamp, segment, key start, key length, value length. */
const FIELDS = 7;
const NULL_LENGTH = -1;
/** Keys and values go into segments of this size, never moved once written (no copy on growth). */
const SEGMENT_BYTES = 4 * 1024 * 1024;
/**
 * Segments kept for the next batch: fresh memory costs a page fault per 4 KB on first touch, which
 * was most of the staging time. At most this many (32 MB) are kept.
 */
const POOLED_SEGMENTS = 8;
const pool: Buffer[] = [];

/** One staged record as handed to a writer; `key`/`value` are views valid only during the call. */
export interface StagedRow {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Headers as a JSON object of name to UTF-8 value; null when there were none */
  headers: string | null;
}

/**
 * Where one staged record's bytes lie, for writers that copy them: no views are made. Reused between
 * calls; `bytes` is valid only during the call.
 */
export interface StagedSpan {
  /** Index of the record's topic-partition in `partitions()` */
  slot: number;
  offset: number;
  timestamp: number;
  /** Holds the key, then the value */
  bytes: Buffer;
  keyStart: number;
  /** -1 for a null key */
  keyLength: number;
  valueStart: number;
  /** -1 for a null value */
  valueLength: number;
  headers: string | null;
}

/**
 * A batch's records packed for writing later: keys and values copied into a few large segments,
 * numbers into one Float64Array. Holding 200,000 records this way is a handful of objects instead of
 * 600,000 (record, key view, value view), which V8's garbage collector would otherwise copy and
 * promote while the batch is read. `release()` hands the segments to the next batch.
 */
export class StagedRecords {
  private readonly segments: Buffer[] = [];
  private bytes: Buffer = EMPTY;
  private used = 0;
  private numbers = new Float64Array(FIELDS * 4096);
  private rows = 0;
  private readonly headers = new Map<number, string>();
  private readonly slots: { topic: string; partition: number }[] = [];
  private lastSlot = -1;

  get size(): number {
    return this.rows;
  }

  /** Topic-partitions in the order they first appeared. */
  partitions(): readonly { topic: string; partition: number }[] {
    return this.slots;
  }

  add(records: KafkaRecord[]): void {
    for (const r of records) {
      const slot = this.slotOf(r.topic, r.partition);
      const keyLength = r.key === null ? NULL_LENGTH : r.key.length;
      const valueLength = r.value === null ? NULL_LENGTH : r.value.length;
      this.reserve(Math.max(0, keyLength) + Math.max(0, valueLength));
      const at = this.rows * FIELDS;
      this.numbers[at] = slot;
      this.numbers[at + 1] = r.offset;
      this.numbers[at + 2] = r.timestamp;
      this.numbers[at + 3] = this.segments.length - 1;
      this.numbers[at + 4] = this.used;
      this.numbers[at + 5] = keyLength;
      this.numbers[at + 6] = valueLength;
      if (r.key !== null) {
        this.bytes.set(r.key, this.used);
        this.used += r.key.length;
      }
      if (r.value !== null) {
        this.bytes.set(r.value, this.used);
        this.used += r.value.length;
      }
      const headers = headersJson(r.headers);
      if (headers !== null) this.headers.set(this.rows, headers);
      this.rows += 1;
    }
  }

  /**
   * Calls `fn` for each staged record (or those at indexes `from` until `until`), in the order added;
   * the row object is reused between calls.
   */
  forEach(fn: (row: StagedRow, index: number) => void, from = 0, until = this.rows): void {
    const row: StagedRow = { topic: "", partition: 0, offset: 0, timestamp: 0, key: null, value: null, headers: null };
    const n = this.numbers;
    for (let i = from; i < Math.min(until, this.rows); i++) {
      const at = i * FIELDS;
      const { topic, partition } = this.slots[n[at]];
      const segment = this.segments[n[at + 3]];
      const keyStart = n[at + 4];
      const keyLength = n[at + 5];
      const valueLength = n[at + 6];
      const valueStart = keyStart + Math.max(0, keyLength);
      row.topic = topic;
      row.partition = partition;
      row.offset = n[at + 1];
      row.timestamp = n[at + 2];
      row.key = keyLength === NULL_LENGTH ? null : segment.subarray(keyStart, keyStart + keyLength);
      row.value = valueLength === NULL_LENGTH ? null : segment.subarray(valueStart, valueStart + valueLength);
      row.headers = this.headers.get(i) ?? null;
      fn(row, i);
    }
  }

  /** Like `forEach`, with where each record's key and value lie instead of views of them. */
  forEachSpan(fn: (span: StagedSpan, index: number) => void, from = 0, until = this.rows): void {
    const span: StagedSpan = { slot: 0, offset: 0, timestamp: 0, bytes: EMPTY, keyStart: 0, keyLength: NULL_LENGTH, valueStart: 0, valueLength: NULL_LENGTH, headers: null };
    const n = this.numbers;
    const withHeaders = this.headers.size > 0;
    for (let i = from; i < Math.min(until, this.rows); i++) {
      const at = i * FIELDS;
      span.slot = n[at];
      span.offset = n[at + 1];
      span.timestamp = n[at + 2];
      span.bytes = this.segments[n[at + 3]];
      span.keyStart = n[at + 4];
      span.keyLength = n[at + 5];
      span.valueStart = span.keyStart + Math.max(0, span.keyLength);
      span.valueLength = n[at + 6];
      span.headers = withHeaders ? (this.headers.get(i) ?? null) : null;
      fn(span, i);
    }
  }

  private slotOf(topic: string, partition: number): number {
    const last = this.slots[this.lastSlot];
    // Records come a partition at a time: search only where the partition changes.
    if (last && last.partition === partition && last.topic === topic) return this.lastSlot;
    let slot = this.slots.findIndex((s) => s.partition === partition && s.topic === topic);
    if (slot < 0) slot = this.slots.push({ topic, partition }) - 1;
    this.lastSlot = slot;
    return slot;
  }

  private reserve(byteCount: number): void {
    if ((this.rows + 1) * FIELDS > this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    if (this.used + byteCount > this.bytes.length) {
      // A record bigger than a segment gets a segment of its own size (not pooled).
      this.bytes = byteCount > SEGMENT_BYTES ? Buffer.allocUnsafe(byteCount) : (pool.pop() ?? Buffer.allocUnsafe(SEGMENT_BYTES));
      this.segments.push(this.bytes);
      this.used = 0;
    }
  }

  /** Gives the segments to later batches; the staged records must not be read after this. */
  release(): void {
    for (const segment of this.segments) if (segment.length === SEGMENT_BYTES && pool.length < POOLED_SEGMENTS) pool.push(segment);
    this.segments.length = 0;
    this.bytes = EMPTY;
    this.used = 0;
    this.rows = 0;
    this.headers.clear();
  }
}

const EMPTY = Buffer.alloc(0);

function headersJson(headers: Record<string, Buffer | string | undefined>): string | null {
  let out: Record<string, string> | null = null;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    (out ??= {})[name] = typeof value === "string" ? value : value.toString("utf8");
  }
  return out ? JSON.stringify(out) : null;
}
