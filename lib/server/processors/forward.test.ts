import { describe, expect, it } from "vitest";
import type { KafkaRecord } from "@/lib/domain/types";
import type { Tx } from "../stores/tx";
import { forward, forwardConfig } from "./forward";
import { RecordError, type RecordSink } from "./processor";
import { MessageTooLargeError, type SinkSendOptions } from "./record-sink";

const record = (offset: number, value: string | null, key: string | null = "k"): KafkaRecord => ({
  topic: "src",
  partition: 0,
  offset,
  timestamp: 0,
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  headers: {},
});

function capture() {
  const sent: { topic: string; key: string | null; value: string | null; source: string | undefined }[] = [];
  const sink: RecordSink = {
    send: async (topic, messages) => {
      for (const m of messages) sent.push({ topic, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null, source: m.headers?.["tidemark.source"]?.toString() });
    },
  };
  return { sent, sink };
}

const batch = (records: KafkaRecord[], config: unknown, sink: RecordSink) => ({ jobId: "j", batchId: 1, records, config: forwardConfig.parse(config), sink });
// forward sends in its deliver phase, which the runtime runs before the batch's transaction opens.
const run = (records: KafkaRecord[], config: unknown, sink: RecordSink) => forward.deliver!(batch(records, config, sink));

describe("forward", () => {
  it("forwards every record as is without filter or key field", async () => {
    const { sent, sink } = capture();
    await run([record(0, "not json"), record(1, null, null)], { topic: "dst" }, sink);
    expect(sent).toEqual([
      { topic: "dst", key: "k", value: "not json", source: "src/0/0" },
      { topic: "dst", key: null, value: null, source: "src/0/1" },
    ]);
  });

  it("filters on a JSON field and takes the key from another", async () => {
    const { sent, sink } = capture();
    const records = [record(0, '{"type":"order","c":7}'), record(1, '{"type":"click","c":8}'), record(2, '{"type":"order"}')];
    await run(records, { topic: "dst", filter: { field: "type", equals: "order" }, keyField: "c" }, sink);
    expect(sent.map((s) => [s.key, s.source])).toEqual([
      ["7", "src/0/0"],
      [null, "src/0/2"],
    ]);
  });

  it("names the record it cannot parse, before sending anything", async () => {
    const { sent, sink } = capture();
    const error = await run([record(0, '{"type":"order"}'), record(1, "oops")], { topic: "dst", filter: { field: "type", equals: "order" } }, sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordError);
    expect((error as RecordError).record.offset).toBe(1);
    expect(sent).toEqual([]);
  });

  it("sends in deliver, outside the transaction; process() inside it neither sends nor touches the database", async () => {
    const { sent, sink } = capture();
    const tx = new Proxy({}, { get: (_, name) => { throw new Error(`process() used tx.${String(name)}`); } }) as Tx;
    await forward.process(batch([record(0, "x")], { topic: "dst" }, sink), tx);
    expect(sent).toEqual([]);
    expect(forward.fold).toBeUndefined(); // the runtime would skip a fold anyway: deliver needs the records
  });

  it("a failed send rejects deliver, so the batch does not commit", async () => {
    const sink: RecordSink = { send: () => Promise.reject(new Error("broker says no")) };
    await expect(run([record(0, "x")], { topic: "dst" }, sink)).rejects.toThrow("broker says no");
  });

  it("sends nothing for a batch the filter empties", async () => {
    let calls = 0;
    const sink: RecordSink = { send: async () => void (calls += 1) };
    await run([record(0, '{"type":"click"}')], { topic: "dst", filter: { field: "type", equals: "order" } }, sink);
    expect(calls).toBe(0);
  });

  it("passes its compression to the sink (none by default) and refuses an unknown codec with the choices", async () => {
    const seen: (SinkSendOptions | undefined)[] = [];
    const sink: RecordSink = { send: async (_topic, _messages, options) => void seen.push(options) };
    await run([record(0, "x")], { topic: "dst" }, sink);
    await run([record(0, "x")], { topic: "dst", compression: "zstd" }, sink);
    expect(seen).toEqual([{ compression: "none" }, { compression: "zstd" }]);
    const refused = forwardConfig.safeParse({ topic: "dst", compression: "brotli" });
    expect(refused.error?.issues).toMatchObject([{ path: ["compression"], message: 'compression must be one of "none", "gzip", "snappy", "lz4", "zstd"' }]);
  });

  it("a record the target topic cannot take becomes a RecordError naming that source record", async () => {
    // The sink names the message by its place in what it was given; the filter leaves offsets 1 and 3.
    const sink: RecordSink = { send: () => Promise.reject(new MessageTooLargeError(1, 2_000_061, "dst", 1_048_588)) };
    const records = [record(0, '{"t":"a"}'), record(1, '{"t":"b"}'), record(2, '{"t":"a"}'), record(3, '{"t":"b"}')];
    const error = await run(records, { topic: "dst", filter: { field: "t", equals: "b" } }, sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordError);
    expect((error as RecordError).record.offset).toBe(3);
    expect((error as RecordError).message).toBe("MESSAGE_TOO_LARGE: record of 2000061 bytes exceeds topic 'dst' max.message.bytes 1048588");
  });

  it("under onError skip, hands every bad or too-large record to skip and forwards the rest in one pass", async () => {
    const sent: string[][] = [];
    // Refuses any message whose value is "big", naming the first; writes nothing of a refused send.
    const sink: RecordSink = {
      send: async (_topic, messages) => {
        const index = messages.findIndex((m) => m.value?.toString() === "big");
        if (index >= 0) throw new MessageTooLargeError(index, 2_000_000, "dst", 1_048_588);
        sent.push(messages.map((m) => m.headers!["tidemark.source"].toString()));
      },
    };
    const skipped: RecordError[] = [];
    const records = [record(0, "a"), record(1, "big"), record(2, "b"), record(3, "big"), record(4, "c")];
    await forward.deliver!({ ...batch(records, { topic: "dst" }, sink), skip: (e) => void skipped.push(e) });
    expect(skipped.map((e) => [e.record.offset, e.message])).toEqual([
      [1, "MESSAGE_TOO_LARGE: record of 2000000 bytes exceeds topic 'dst' max.message.bytes 1048588"],
      [3, "MESSAGE_TOO_LARGE: record of 2000000 bytes exceeds topic 'dst' max.message.bytes 1048588"],
    ]);
    expect(sent).toEqual([["src/0/0", "src/0/2", "src/0/4"]]);

    // JSON errors too, through eachRecord.
    const jsonSkipped: number[] = [];
    const { sent: jsonSent, sink: jsonSink } = capture();
    const json = [record(0, '{"t":"a"}'), record(1, "oops"), record(2, '{"t":"a"}')];
    await forward.deliver!({ ...batch(json, { topic: "dst", filter: { field: "t", equals: "a" } }, jsonSink), skip: (e) => void jsonSkipped.push(e.record.offset) });
    expect(jsonSkipped).toEqual([1]);
    expect(jsonSent.map((m) => m.source)).toEqual(["src/0/0", "src/0/2"]);
  });

  it("after a refusal part-way through a send, sends only what was not written yet", async () => {
    const calls: string[][] = [];
    const sink: RecordSink = {
      send: async (_topic, messages) => {
        calls.push(messages.map((m) => m.headers!["tidemark.source"].toString()));
        // The first call wrote two messages, then the broker refused the third alone.
        if (calls.length === 1) throw new MessageTooLargeError(2, 900_000, "dst", 500_000, 2);
      },
    };
    const skipped: number[] = [];
    const records = [0, 1, 2, 3, 4].map((i) => record(i, "v"));
    await forward.deliver!({ ...batch(records, { topic: "dst" }, sink), skip: (e) => void skipped.push(e.record.offset) });
    expect(skipped).toEqual([2]);
    expect(calls).toEqual([
      ["src/0/0", "src/0/1", "src/0/2", "src/0/3", "src/0/4"],
      ["src/0/3", "src/0/4"],
    ]);
  });
});
