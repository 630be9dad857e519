// store-records on PostgreSQL: a batch's rows go in by binary COPY on the transaction's own pg
// connection, so they commit (or roll back) with the batch's offsets.
import type { PoolClient } from "pg";
import { BinaryCopyEncoder, copyBinaryFrom } from "../db/postgres-binary-copy";
import { onPostgresConnection } from "../db/postgres-client";
import type { Tx } from "../stores/tx";
import type { StagedRecords } from "./staged-records";

/** Rows encoded at a time before their chunks are streamed: bounds the memory the encoding holds. */
const ROWS_PER_SLICE = 8192;
const COLUMNS = `"streamId", "offset", "timestamp", "key", "value", "headers", "batchId"`;

/** The stream id of a record's topic-partition (every partition of the batch has one). */
export type StreamOf = (topic: string, partition: number) => number;

/**
 * Inserts the staged records, replacing rows already stored at the same offsets (a range read again
 * after an audited rewind). COPY cannot update on conflict, so such rows are deleted first; whether
 * there are any is one index probe per partition, so a first read pays nothing for it.
 */
export async function insertWithPostgres(tx: Tx, staged: StagedRecords, streamOf: StreamOf, batchId: number): Promise<void> {
  if (staged.size === 0) return;
  const streamIds = Int32Array.from(staged.partitions(), (tp) => streamOf(tp.topic, tp.partition));
  const low = new Float64Array(streamIds.length).fill(Infinity);
  const high = new Float64Array(streamIds.length).fill(-Infinity);
  staged.forEachSpan((r) => {
    if (r.offset < low[r.slot]) low[r.slot] = r.offset;
    if (r.offset > high[r.slot]) high[r.slot] = r.offset;
  });
  const ranges = new Map<number, { low: number; high: number }>();
  streamIds.forEach((id, slot) => {
    if (low[slot] <= high[slot]) ranges.set(id, { low: low[slot], high: high[slot] });
  });
  const out = new BinaryCopyEncoder();
  const copied = await onPostgresConnection(tx, async (connection) => {
    if (await anyStored(connection, ranges)) await deleteStored(connection, staged, streamIds);
    return copyBinaryFrom(connection, `"StoredRecord" (${COLUMNS})`, encode(out, staged, streamIds, batchId));
  });
  // Every chunk has been sent: the next batch's COPY may fill them.
  out.recycle();
  if (copied !== staged.size) throw new Error(`store-records: COPY stored ${copied} rows of ${staged.size}`);
}

async function anyStored(connection: PoolClient, ranges: Map<number, { low: number; high: number }>): Promise<boolean> {
  const list = [...ranges];
  const found = await connection.query(
    `SELECT 1 FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS b(s, low, high)
      WHERE EXISTS (SELECT 1 FROM "StoredRecord" WHERE "streamId" = b.s AND "offset" BETWEEN b.low AND b.high) LIMIT 1`,
    [list.map(([id]) => id), list.map(([, r]) => r.low), list.map(([, r]) => r.high)],
  );
  return found.rowCount !== 0;
}

/** Deletes the stored rows at exactly the staged records' offsets: the others stay, as an upsert leaves them. */
async function deleteStored(connection: PoolClient, staged: StagedRecords, streamIdOfSlot: Int32Array): Promise<void> {
  const streamIds: number[] = [];
  const offsets: number[] = [];
  staged.forEachSpan((r) => {
    streamIds.push(streamIdOfSlot[r.slot]);
    offsets.push(r.offset);
  });
  await connection.query(
    `DELETE FROM "StoredRecord" r USING unnest($1::int[], $2::bigint[]) AS b(s, o) WHERE r."streamId" = b.s AND r."offset" = b.o`,
    [streamIds, offsets],
  );
}

/** The rows in COPY's binary format, a slice of records at a time (the stream pulls the next when it drains). */
function* encode(out: BinaryCopyEncoder, staged: StagedRecords, streamIdOfSlot: Int32Array, batchId: number): Generator<Buffer> {
  for (let from = 0; from < staged.size; from += ROWS_PER_SLICE) {
    staged.forEachSpan(
      (r) => {
        out.row(7);
        out.int4(streamIdOfSlot[r.slot]);
        out.int8(r.offset);
        out.int8(r.timestamp);
        out.byteaAt(r.bytes, r.keyStart, r.keyLength);
        out.byteaAt(r.bytes, r.valueStart, r.valueLength);
        out.text(r.headers);
        out.int4(batchId);
      },
      from,
      from + ROWS_PER_SLICE,
    );
    yield* out.take();
  }
  out.end();
  yield* out.take();
}
