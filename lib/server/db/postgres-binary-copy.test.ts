// The binary COPY encoder against a real PostgreSQL server: every value written goes in by COPY and
// comes back by SELECT as it was. It needs the test cluster: it runs in the `postgres` vitest project only.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { testingOnPostgres } from "@/lib/testing/temp-db";
import { BinaryCopyEncoder, copyBinaryFrom } from "./postgres-binary-copy";

interface Row {
  i4: number;
  i8: number;
  /** A bytea written whole (bytea) */
  whole: Uint8Array | null;
  /** A bytea written from a range of a larger buffer (byteaAt): start and length, -1 for NULL */
  part: { source: Buffer; start: number; length: number };
  text: string | null;
}

const TABLE = `"copy_roundtrip" ("i4", "i8", "whole", "part", "text")`;

/** COPYs the rows in, one encoder, then recycles its chunks as store-records does. */
async function copyRows(client: pg.Client, rows: Row[]): Promise<number> {
  const out = new BinaryCopyEncoder();
  function* chunks(): Generator<Buffer> {
    for (const r of rows) {
      out.row(5);
      out.int4(r.i4);
      out.int8(r.i8);
      out.bytea(r.whole);
      out.byteaAt(r.part.source, r.part.start, r.part.length);
      out.text(r.text);
      yield* out.take();
    }
    out.end();
    yield* out.take();
  }
  const copied = await copyBinaryFrom(client as unknown as pg.PoolClient, TABLE, chunks());
  out.recycle();
  return copied;
}

async function readRows(client: pg.Client): Promise<unknown[]> {
  const result = await client.query(`SELECT "i4", "i8"::text AS "i8", "whole", "part", "text" FROM "copy_roundtrip" ORDER BY "n"`);
  return result.rows.map((r) => ({ i4: r.i4, i8: r.i8, whole: hex(r.whole), part: hex(r.part), text: r.text }));
}

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString("hex"));
const expected = (rows: Row[]) =>
  rows.map((r) => ({
    i4: r.i4,
    i8: String(r.i8),
    whole: hex(r.whole),
    part: r.part.length === -1 ? null : hex(r.part.source.subarray(r.part.start, r.part.start + r.part.length)),
    text: r.text,
  }));

describe.runIf(testingOnPostgres)("binary COPY encoder", () => {
  const client = testingOnPostgres ? new pg.Client({ connectionString: inject("postgresUrl") }) : (null as unknown as pg.Client);
  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE TEMP TABLE "copy_roundtrip" ("n" serial, "i4" int4, "i8" int8, "whole" bytea, "part" bytea, "text" text)`);
  });
  afterAll(() => client?.end());

  const source = crypto.randomBytes(4 * 1024 * 1024);
  const big = crypto.randomBytes(3 * 1024 * 1024 + 5); // bigger than a chunk
  const longText = "é😀 ".repeat(200_000); // 1.4 MB of UTF-8
  const row = (i: number, part: Row["part"], over: Partial<Row> = {}): Row => ({ i4: i, i8: i * 7, whole: source.subarray(i, i + (i % 90)), part, text: `r${i}`, ...over });

  it("writes int4 and int8 at their limits, NULL and empty values, ranges of every length around the bytewise copy, multibyte text and values bigger than a chunk", async () => {
    const int4s = [0, -1, 1, 2 ** 31 - 1, -(2 ** 31)];
    const int8s = [0, -1, 1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), -(2 ** 32) - 1, 2 ** 40 + 3, -(2 ** 40) - 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1_764_000_000_000];
    const rows: Row[] = [
      ...int4s.map((i4, k) => row(k, { source, start: k, length: 3 }, { i4 })),
      ...int8s.map((i8, k) => row(k, { source, start: k, length: 3 }, { i8 })),
      row(1, { source, start: 0, length: -1 }, { whole: null, text: null }),
      row(2, { source, start: 10, length: 0 }, { whole: Buffer.alloc(0), text: "" }),
      // Every length from 0 to 200 from an odd start: both ways of copying, and the switch between them.
      ...Array.from({ length: 201 }, (_, length) => row(length, { source, start: 1001 + length, length })),
      row(3, { source, start: source.length - 77, length: 77 }), // up to the source's last byte
      row(4, { source: big, start: 0, length: big.length }, { whole: big, text: longText }),
      row(5, { source, start: 5, length: 2 * 1024 * 1024 }, { text: "ü\tline\nbreak \\ \"q\"" }),
    ];
    expect(await copyRows(client, rows)).toBe(rows.length);
    expect(await readRows(client)).toEqual(expected(rows));
  });

  it("fills chunks and rows across their boundaries, and later COPYs reusing recycled chunks store their own values", async () => {
    for (let copy = 0; copy < 3; copy++) {
      await client.query(`TRUNCATE "copy_roundtrip"`);
      // About 1.5 MB per COPY: more than one chunk, recycled for the next COPY.
      const rows = Array.from({ length: 8_000 }, (_, i) => {
        const at = (i * 131 + copy * 7919) % (source.length - 200);
        return row(i + copy, { source, start: at, length: (i * 13 + copy) % 180 }, { i8: -(i * 1_000_003) - copy, text: i % 11 === 0 ? null : `é${i}-${copy}` });
      });
      expect(await copyRows(client, rows)).toBe(rows.length);
      expect(await readRows(client)).toEqual(expected(rows));
    }
  });

  it("refuses what it cannot write exactly: an unsafe integer for int8, a range outside its source", () => {
    const out = new BinaryCopyEncoder();
    expect(() => out.int8(2 ** 53)).toThrow(RangeError);
    expect(() => out.int8(1.5)).toThrow(RangeError);
    expect(() => out.byteaAt(source, source.length - 3, 4)).toThrow(RangeError);
    expect(() => out.byteaAt(source, -1, 2)).toThrow(RangeError);
  });
});
