// PostgreSQL's binary COPY format, written from JavaScript values, and COPY FROM STDIN on a pg connection.
//
// Binary COPY sends each value as its length and bytes: no escaping, no hex, no parsing of text on the
// server, which makes it the fastest way to load many rows (see BENCHMARKS.md).
//
// No `server-only` import here: plain tsx scripts and Vitest import this too.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** Chunks handed to the connection: large enough to amortise the per-message cost, small enough to stream. */
const CHUNK_BYTES = 1 << 20;
/**
 * Chunks kept for later encoders (at most this many, 32 MB): fresh memory costs page faults on first
 * touch, and large allocations make V8 collect garbage sooner.
 */
const POOLED_CHUNKS = 32;
const spareChunks: Buffer[] = [];
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const TWO_POW_32 = 4294967296;
/** Up to this many bytes are copied one by one: cheaper than making a view to copy from. */
const BYTEWISE_COPY_MAX = 64;

/**
 * Encodes rows in PostgreSQL's binary COPY format into chunks. Call `row(fieldCount)`, then one writer
 * per column in the table's column order; `take()` returns the chunks filled so far. Once they have all
 * been sent (the COPY succeeded), `recycle()` lets later encoders fill them again.
 */
export class BinaryCopyEncoder {
  private chunk: Buffer = EMPTY;
  private view: DataView<ArrayBufferLike> = new DataView(EMPTY.buffer, 0, 0);
  private at = 0;
  private readonly filled: Buffer[] = [];
  private readonly allocated: Buffer[] = [];

  constructor() {
    this.ensure(SIGNATURE.length + 8);
    this.at += SIGNATURE.copy(this.chunk, this.at);
    this.view.setInt32(this.at, 0); // flags: no OIDs
    this.view.setInt32(this.at + 4, 0); // no header extension
    this.at += 8;
  }

  row(fieldCount: number): void {
    this.ensure(2);
    this.view.setInt16(this.at, fieldCount);
    this.at += 2;
  }

  int4(value: number): void {
    this.ensure(8);
    this.view.setInt32(this.at, 4);
    this.view.setInt32(this.at + 4, value);
    this.at += 8;
  }

  /** A 64-bit integer from a safe JavaScript integer (offsets, epoch milliseconds; negative ones too). */
  int8(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer for a BIGINT column: ${value}`);
    this.ensure(12);
    const high = Math.floor(value / TWO_POW_32);
    this.view.setInt32(this.at, 8);
    this.view.setInt32(this.at + 4, high);
    this.view.setUint32(this.at + 8, value - high * TWO_POW_32);
    this.at += 12;
  }

  bytea(value: Uint8Array | null): void {
    if (value === null) return this.null();
    this.ensure(4 + value.length);
    this.view.setInt32(this.at, value.length);
    this.chunk.set(value, this.at + 4);
    this.at += 4 + value.length;
  }

  /** A bytea of `length` bytes of `source` from `start`, without making a view of them; a length of -1 is NULL. */
  byteaAt(source: Uint8Array, start: number, length: number): void {
    if (length === -1) return this.null();
    if (!(length >= 0 && start >= 0 && start + length <= source.length)) throw new RangeError(`bytes ${start}+${length} outside a source of ${source.length}`);
    this.ensure(4 + length);
    const chunk = this.chunk;
    const at = this.at + 4;
    this.view.setInt32(this.at, length);
    if (length <= BYTEWISE_COPY_MAX) for (let i = 0; i < length; i++) chunk[at + i] = source[start + i];
    else chunk.set(source.subarray(start, start + length), at);
    this.at = at + length;
  }

  /** Text as UTF-8. PostgreSQL's text cannot hold NUL: the server refuses such a value. */
  text(value: string | null): void {
    if (value === null) return this.null();
    const length = Buffer.byteLength(value, "utf8");
    this.ensure(4 + length);
    this.view.setInt32(this.at, length);
    this.at += 4 + this.chunk.write(value, this.at + 4, length, "utf8");
  }

  null(): void {
    this.ensure(4);
    this.view.setInt32(this.at, -1);
    this.at += 4;
  }

  /** The chunks filled so far; after `end()`, every chunk including the trailer. */
  take(): Buffer[] {
    return this.filled.splice(0);
  }

  /** Writes the trailer and hands over the last chunk. No rows may follow. */
  end(): void {
    this.ensure(2);
    this.view.setInt16(this.at, -1);
    this.at += 2;
    this.filled.push(this.chunk.subarray(0, this.at));
    this.chunk = EMPTY;
    this.view = new DataView(EMPTY.buffer, 0, 0);
    this.at = 0;
  }

  /**
   * Gives this encoder's chunks to later encoders. Only once nothing holds them any more: after the
   * COPY that sent them succeeded (a failed one may leave them queued on the connection).
   */
  recycle(): void {
    for (const chunk of this.allocated.splice(0)) if (chunk.length === CHUNK_BYTES && spareChunks.length < POOLED_CHUNKS) spareChunks.push(chunk);
  }

  private ensure(bytes: number): void {
    if (this.at + bytes <= this.chunk.length) return;
    if (this.at > 0) this.filled.push(this.chunk.subarray(0, this.at));
    // A value bigger than a chunk gets a chunk of its own size (not pooled); values are never split.
    this.chunk = bytes > CHUNK_BYTES ? Buffer.allocUnsafe(bytes) : (spareChunks.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES));
    this.allocated.push(this.chunk);
    this.view = new DataView(this.chunk.buffer, this.chunk.byteOffset, this.chunk.length);
    this.at = 0;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * Runs `COPY <table> (<columns>) FROM STDIN (FORMAT binary)` on `connection` with the chunks `chunks`
 * yields (their encoder's output, trailer included), streaming them with backpressure. Resolves with the
 * rows copied once the server has them; rejects with the server's error (the transaction is then aborted).
 */
export async function copyBinaryFrom(connection: PoolClient, target: string, chunks: Iterable<Buffer>): Promise<number> {
  const copy = connection.query(copyFrom(`COPY ${target} FROM STDIN (FORMAT binary)`));
  await pipeline(Readable.from(chunks, { objectMode: false }), copy);
  return copy.rowCount;
}
