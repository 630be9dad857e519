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
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const TWO_POW_32 = 4294967296;

/**
 * Encodes rows in PostgreSQL's binary COPY format into chunks. Call `row(fieldCount)`, then one writer
 * per column in the table's column order; `take()` returns the chunks filled so far.
 */
export class BinaryCopyEncoder {
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private at = 0;
  private readonly filled: Buffer[] = [];

  constructor() {
    this.ensure(SIGNATURE.length + 8);
    this.at += SIGNATURE.copy(this.chunk, this.at);
    this.at = this.chunk.writeInt32BE(0, this.at); // flags: no OIDs
    this.at = this.chunk.writeInt32BE(0, this.at); // no header extension
  }

  row(fieldCount: number): void {
    this.ensure(2);
    this.at = this.chunk.writeInt16BE(fieldCount, this.at);
  }

  int4(value: number): void {
    this.ensure(8);
    this.at = this.chunk.writeInt32BE(4, this.at);
    this.at = this.chunk.writeInt32BE(value, this.at);
  }

  /** A 64-bit integer from a safe JavaScript integer (offsets, epoch milliseconds; negative ones too). */
  int8(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer for a BIGINT column: ${value}`);
    this.ensure(12);
    const high = Math.floor(value / TWO_POW_32);
    this.at = this.chunk.writeInt32BE(8, this.at);
    this.at = this.chunk.writeInt32BE(high, this.at);
    this.at = this.chunk.writeUInt32BE(value - high * TWO_POW_32, this.at);
  }

  bytea(value: Uint8Array | null): void {
    if (value === null) return this.null();
    this.ensure(4 + value.length);
    this.at = this.chunk.writeInt32BE(value.length, this.at);
    this.chunk.set(value, this.at);
    this.at += value.length;
  }

  /** Text as UTF-8. PostgreSQL's text cannot hold NUL: the server refuses such a value. */
  text(value: string | null): void {
    if (value === null) return this.null();
    const length = Buffer.byteLength(value, "utf8");
    this.ensure(4 + length);
    this.at = this.chunk.writeInt32BE(length, this.at);
    this.at += this.chunk.write(value, this.at, length, "utf8");
  }

  null(): void {
    this.ensure(4);
    this.at = this.chunk.writeInt32BE(-1, this.at);
  }

  /** The chunks filled so far; after `end()`, every chunk including the trailer. */
  take(): Buffer[] {
    return this.filled.splice(0);
  }

  /** Writes the trailer and hands over the last chunk. No rows may follow. */
  end(): void {
    this.ensure(2);
    this.at = this.chunk.writeInt16BE(-1, this.at);
    this.filled.push(this.chunk.subarray(0, this.at));
    this.chunk = Buffer.alloc(0);
    this.at = 0;
  }

  private ensure(bytes: number): void {
    if (this.at + bytes <= this.chunk.length) return;
    if (this.at > 0) this.filled.push(this.chunk.subarray(0, this.at));
    // A value bigger than a chunk gets a chunk of its own size; values are never split.
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.at = 0;
  }
}

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
