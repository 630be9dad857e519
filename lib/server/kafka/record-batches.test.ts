import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { KafkaRecord } from "@/lib/domain/types";
import { decompressRecords, decodeFetchResponse, toBatch, type RawMessage } from "./kafkajs-internals";
import { decodeRecordBatches, listRecordBatches, timestampAtOrAfter, type AbortedTransaction } from "./record-batches";

// kafkajs' own encoder writes the batches, and its own decoder + Batch filtering is the oracle.
const require = createRequire(import.meta.url);
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0") as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
const Record = require("kafkajs/src/protocol/recordBatch/record/v0") as (o: object) => unknown;
const Long = require("kafkajs/src/utils/long") as { fromValue(v: number | string): unknown };
const Encoder = require("kafkajs/src/protocol/encoder") as new () => {
  writeInt16(v: number): unknown;
  writeInt32(v: number): unknown;
  writeInt64(v: number | string): unknown;
  writeString(v: string): unknown;
  writeBuffer(v: Buffer): unknown;
  buffer: Buffer;
};
const decodeMessages = require("kafkajs/src/protocol/requests/fetch/v4/decodeMessages") as (decoder: unknown) => Promise<RawMessage[]>;
const Decoder = require("kafkajs/src/protocol/decoder") as new (b: Buffer) => unknown;
const { Types: Compression } = require("kafkajs/src/protocol/message/compression") as { Types: { None: number; GZIP: number } };

const TP = { topic: "t", partition: 3 };
const BASE_TIME = 1_764_000_000_000;

interface TestRecord {
  key: string | null;
  value: string | null;
  headers?: Record<string, string | string[]>;
  timestampDelta?: number;
}

async function batch(firstOffset: number, records: TestRecord[], opts: { gzip?: boolean; producerId?: number; transactional?: boolean } = {}): Promise<Buffer> {
  const encoded = records.map((r, i) =>
    Record({ offsetDelta: i, timestampDelta: r.timestampDelta ?? i * 7, key: r.key === null ? null : Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value), headers: r.headers ?? {} }),
  );
  const { buffer } = await RecordBatch({
    compression: opts.gzip ? Compression.GZIP : Compression.None,
    firstOffset: Long.fromValue(firstOffset),
    firstTimestamp: BASE_TIME,
    maxTimestamp: BASE_TIME + 1000,
    lastOffsetDelta: records.length - 1,
    transactional: opts.transactional ?? false,
    producerId: Long.fromValue(opts.producerId ?? -1),
    records: encoded,
  });
  return buffer;
}

/** A control batch: one record whose key is (version 0, type 0 abort / 1 commit). */
async function marker(offset: number, producerId: number, type: "abort" | "commit"): Promise<Buffer> {
  const key = Buffer.alloc(4);
  key.writeInt16BE(type === "abort" ? 0 : 1, 2);
  const record = Record({ offsetDelta: 0, timestampDelta: 0, key, value: Buffer.alloc(6) });
  const { buffer } = await RecordBatch({ firstOffset: Long.fromValue(offset), firstTimestamp: BASE_TIME, maxTimestamp: BASE_TIME, transactional: true, producerId: Long.fromValue(producerId), records: [record] });
  buffer.writeInt16BE(buffer.readInt16BE(21) | 0x20, 21); // the control flag (kafkajs never writes one)
  return buffer;
}

async function ours(set: Buffer, aborted: AbortedTransaction[], fromOffset: number, untilOffset: number): Promise<KafkaRecord[]> {
  const batches = listRecordBatches(set);
  if (!batches) throw new Error("expected v2 batches");
  const out: KafkaRecord[] = [];
  await decodeRecordBatches(TP, set, batches, aborted, { fromOffset, untilOffset }, decompressRecords, out);
  return out;
}

/** kafkajs' reading of the same bytes (what the runtime used before), trimmed to the range. */
async function oracle(set: Buffer, aborted: AbortedTransaction[], fromOffset: number, untilOffset: number): Promise<KafkaRecord[]> {
  const sized = Buffer.concat([Buffer.alloc(4), set]);
  sized.writeInt32BE(set.length, 0);
  const messages = await decodeMessages(new Decoder(sized));
  const kbatch = toBatch(TP.topic, fromOffset, {
    partition: TP.partition,
    errorCode: 0,
    highWatermark: "0",
    abortedTransactions: aborted.map((a) => ({ producerId: String(a.producerId), firstOffset: String(a.firstOffset) })),
    messages,
  });
  return kbatch.messages
    .filter((m) => Number(m.offset) < untilOffset)
    .map((m) => ({
      ...TP,
      offset: Number(m.offset),
      timestamp: Number(m.timestamp),
      key: m.key ?? null,
      value: m.value ?? null,
      headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, (Array.isArray(v) ? v.at(-1) : v) as Buffer | string | undefined])),
    }));
}

const plain = (rs: KafkaRecord[]) =>
  rs.map((r) => ({ ...r, key: r.key?.toString("hex") ?? null, value: r.value?.toString("hex") ?? null, headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString("hex") : v])) }));

describe("record batch decoding", () => {
  it("reads plain and gzip batches with keys, null keys and values, headers and timestamps exactly as kafkajs does, for every sub-range", async () => {
    const set = Buffer.concat([
      await batch(0, [{ key: "k0", value: "v0" }, { key: null, value: "v1", headers: { trace: "abc", empty: "" } }, { key: "k2", value: null }]),
      await batch(3, [{ key: "ü-key", value: "x".repeat(300), headers: { a: ["1", "2"] } }, { key: "k4", value: "v4", timestampDelta: 2 ** 33 }], { gzip: true }),
      await batch(5, Array.from({ length: 40 }, (_, i) => ({ key: `key-${i % 3}`, value: `{"n":${i}}` }))),
    ]);
    expect(listRecordBatches(set)?.map((b) => [b.baseOffset, b.lastOffset])).toEqual([
      [0, 2],
      [3, 4],
      [5, 44],
    ]);
    for (const [from, until] of [
      [0, 45],
      [0, 1],
      [1, 4],
      [3, 5],
      [4, 6],
      [10, 20],
      [44, 45],
      [45, 50],
    ]) {
      const got = await ours(set, [], from, until);
      expect(plain(got), `range ${from}..${until}`).toEqual(plain(await oracle(set, [], from, until)));
      expect(got.map((r) => r.offset)).toEqual(Array.from({ length: Math.max(0, Math.min(until, 45) - from) }, (_, i) => from + i));
    }
    const [withHeaders] = await ours(set, [], 1, 2);
    expect(withHeaders.key).toBeNull();
    expect(withHeaders.headers).toEqual({ trace: Buffer.from("abc"), empty: Buffer.alloc(0) });
    const [farTime] = await ours(set, [], 4, 5);
    expect(farTime.timestamp).toBe(BASE_TIME + 2 ** 33);
  });

  it("leaves out aborted transactions and control records, keeps committed ones and non-transactional records", async () => {
    const set = Buffer.concat([
      await batch(0, [{ key: "a", value: "committed-0" }, { key: "a", value: "committed-1" }], { producerId: 7, transactional: true }),
      await marker(2, 7, "commit"),
      await batch(3, [{ key: "x", value: "aborted-3" }, { key: "x", value: "aborted-4" }], { producerId: 7, transactional: true }),
      await batch(5, [{ key: "p", value: "plain-5" }]),
      await batch(6, [{ key: "y", value: "other-producer-6" }], { producerId: 9, transactional: true }),
      await marker(7, 7, "abort"),
      await batch(8, [{ key: "b", value: "after-abort-8" }], { producerId: 7, transactional: true }),
      await marker(9, 9, "commit"),
      await marker(10, 7, "commit"),
    ]);
    const aborted = [{ producerId: 7n, firstOffset: 3 }];
    const values = (rs: KafkaRecord[]) => rs.map((r) => r.value?.toString());
    expect(values(await ours(set, aborted, 0, 11))).toEqual(["committed-0", "committed-1", "plain-5", "other-producer-6", "after-abort-8"]);
    expect(plain(await ours(set, aborted, 0, 11))).toEqual(plain(await oracle(set, aborted, 0, 11)));
    // Without the aborted list (read_uncommitted view) only control records go.
    expect(values(await ours(set, [], 0, 11))).toHaveLength(7);
  });

  it("leaves out a batch cut off by the fetch size limit, and hands legacy message sets to kafkajs", async () => {
    const whole = await batch(0, [{ key: "k", value: "v" }, { key: "k", value: "w" }]);
    const cut = Buffer.concat([whole, (await batch(2, [{ key: "k", value: "z".repeat(100) }])).subarray(0, 70)]);
    expect(listRecordBatches(cut)?.map((b) => b.lastOffset)).toEqual([1]);
    expect((await ours(cut, [], 0, 10)).map((r) => r.value?.toString())).toEqual(["v", "w"]);
    const legacy = Buffer.from(whole);
    legacy.writeInt8(1, 16);
    expect(listRecordBatches(legacy)).toBeNull();
  });

  it("decodes a fetch response's partition headers and slices each record set (v4, v7 and v11 layouts)", async () => {
    const set = await batch(10, [{ key: "k", value: "v" }]);
    for (const version of [4, 5, 7, 11]) {
      const e = new Encoder();
      e.writeInt32(version); // throttle time: distinct per version, so a misread shows
      if (version >= 7) {
        e.writeInt16(0);
        e.writeInt32(0);
      }
      e.writeInt32(1);
      e.writeString("orders");
      e.writeInt32(2);
      for (const [partition, records] of [
        [0, set],
        [1, null],
      ] as const) {
        e.writeInt32(partition);
        e.writeInt16(partition === 1 ? 6 : 0);
        e.writeInt64(42);
        e.writeInt64(40); // last stable offset
        if (version >= 5) e.writeInt64(0);
        e.writeInt32(partition === 0 ? 1 : -1);
        if (partition === 0) {
          e.writeInt64(5);
          e.writeInt64(10);
        }
        if (version >= 11) e.writeInt32(partition === 1 ? 3 : -1); // preferred read replica
        e.writeInt32(records ? records.length : -1);
        if (records) e.writeBuffer(records);
      }
      const decoded = decodeFetchResponse(e.buffer, version);
      expect(decoded.throttleTimeMs).toBe(version);
      expect(decoded.responses[0].topicName).toBe("orders");
      const [p0, p1] = decoded.responses[0].partitions;
      expect({ ...p0, recordSet: p0.recordSet.equals(set) }).toEqual({ partition: 0, errorCode: 0, highWatermark: 42, lastStableOffset: 40, abortedTransactions: [{ producerId: 5n, firstOffset: 10 }], preferredReadReplica: -1, recordSet: true });
      expect({ ...p1, recordSet: p1.recordSet.length }).toEqual({ partition: 1, errorCode: 6, highWatermark: 42, lastStableOffset: 40, abortedTransactions: [], preferredReadReplica: version >= 11 ? 3 : -1, recordSet: 0 });
    }
  });

  it("finds the timestamp of the first record at or after an offset without decoding the others", async () => {
    const set = Buffer.concat([
      await batch(0, [{ key: "a", value: "0", timestampDelta: 5 }, { key: "a", value: "1", timestampDelta: 9 }]),
      await marker(2, 7, "commit"),
      await batch(3, [{ key: "b", value: "3", timestampDelta: 100 }, { key: "b", value: "4", timestampDelta: 250 }], { gzip: true }),
    ]);
    const batches = listRecordBatches(set)!;
    const at = (offset: number) => timestampAtOrAfter(set, batches, offset, decompressRecords);
    expect(await at(0)).toBe(BASE_TIME + 5);
    expect(await at(1)).toBe(BASE_TIME + 9);
    expect(await at(2)).toBe(BASE_TIME + 100); // the marker has no record to age
    expect(await at(4)).toBe(BASE_TIME + 250);
    expect(await at(5)).toBeNull();
  });
});
