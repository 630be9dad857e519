import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { afterEach, describe, expect, it } from "vitest";
import type { KafkaRecord } from "@/lib/domain/types";
import { CompressionError, KAFKA_CODECS, xerialChunks, type KafkajsCodec } from "./compression-codecs";
import { decompressRecords } from "./kafkajs-internals";
import { decodeRecordBatches, listRecordBatches } from "./record-batches";

const FIXTURES = path.join(import.meta.dirname, "compression-fixtures");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const require = createRequire(import.meta.url);
const XERIAL_MAGIC = Buffer.from("82534e4150505900", "hex");
const CODECS = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD } as const;
type CodecName = keyof typeof CODECS;
const registry = CompressionCodecs as unknown as Record<number, () => KafkajsCodec>;

/** The records every `.records` fixture holds (see compression-fixtures/README.md). */
const FIXTURE_RECORDS = Array.from({ length: 200 }, (_, i) => ({ offset: i, key: `key-${i % 7}`, value: `value-${i}-${"x".repeat(Math.max(1, i % 40))}` }));
/** The text the `cli-*` frames hold. */
const CLI_TEXT = Buffer.from(Array.from({ length: 3000 }, (_, i) => `line-${i} ${"abc".repeat(i % 13)}\n`).join(""));

async function decodeAll(set: Buffer): Promise<KafkaRecord[]> {
  const batches = listRecordBatches(set);
  if (!batches) throw new Error("expected v2 record batches");
  const out: KafkaRecord[] = [];
  await decodeRecordBatches({ topic: "t", partition: 0 }, set, batches, [], { fromOffset: 0, untilOffset: Number.MAX_SAFE_INTEGER }, decompressRecords, out);
  return out;
}

/** The records section of each batch of a record set (after the 61-byte batch header). */
function recordSections(set: Buffer): Buffer[] {
  return (listRecordBatches(set) ?? []).map((b) => set.subarray(b.start + 61, b.end));
}

const hasCli = (cmd: string) => !spawnSync(cmd, ["--version"]).error;

/** Byte equality without a deep-equality walk over every byte (slow on 100 KB buffers). */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect({ length: actual.length, same: actual.equals(expected) }).toEqual({ length: expected.length, same: true });
}

describe("record batches written by librdkafka (kcat) and the Java client", () => {
  for (const writer of ["kcat", "java"] as const) {
    for (const codec of Object.keys(CODECS) as CodecName[]) {
      it(`${writer} ${codec}: every record, in order, through kafkajs' registry`, async () => {
        const set = fixture(`${writer}-${codec}.records`);
        const batches = listRecordBatches(set)!;
        expect(batches.length).toBeGreaterThan(3);
        expect(new Set(batches.map((b) => b.attributes & 7))).toEqual(new Set([CODECS[codec]]));
        const records = await decodeAll(set);
        expect(records.map((r) => ({ offset: r.offset, key: r.key?.toString(), value: r.value?.toString() }))).toEqual(FIXTURE_RECORDS);
      });
    }
  }

  it("snappy comes in both of Kafka's shapes: raw from librdkafka, xerial-framed from Java", () => {
    for (const section of recordSections(fixture("kcat-snappy.records"))) expect(section.subarray(0, 8).equals(XERIAL_MAGIC)).toBe(false);
    for (const section of recordSections(fixture("java-snappy.records"))) expect(section.subarray(0, 8).equals(XERIAL_MAGIC)).toBe(true);
  });

  it("zstd frames without a content size, as both clients stream them", () => {
    for (const writer of ["kcat", "java"]) {
      for (const section of recordSections(fixture(`${writer}-zstd.records`))) expect(section[4] & 0xc0).toBe(0); // Frame_Content_Size_flag 0
    }
  });
});

describe("frames of the zstd and lz4 command-line tools", () => {
  it("zstd: a streamed frame (no content size, checksum)", async () => {
    const frame = fixture("cli-stream.zst");
    expect(frame[4] & 0xc0).toBe(0);
    expectSameBytes(await registry[CompressionTypes.ZSTD]().decompress(frame), CLI_TEXT);
  });

  it("lz4: linked 64 KB blocks with a content checksum", async () => {
    const frame = fixture("cli-linked.lz4");
    expect(frame[4] & 0x20).toBe(0); // block independence flag off
    expectSameBytes(await registry[CompressionTypes.LZ4]().decompress(frame), CLI_TEXT);
  });

  // Our encoders judged by the reference tools (installed with Debian's zstd and lz4 packages).
  it.skipIf(!hasCli("zstd"))("zstd CLI reads what we write", async () => {
    const ours = await registry[CompressionTypes.ZSTD]().compress({ buffer: CLI_TEXT });
    const cli = spawnSync("zstd", ["-d", "-c"], { input: ours, maxBuffer: 1 << 24 });
    expect(cli.status).toBe(0);
    expectSameBytes(cli.stdout, CLI_TEXT);
  });

  it.skipIf(!hasCli("lz4"))("lz4 CLI reads what we write", async () => {
    const ours = await registry[CompressionTypes.LZ4]().compress({ buffer: CLI_TEXT });
    const cli = spawnSync("lz4", ["-d", "-c"], { input: ours, maxBuffer: 1 << 24 });
    expect(cli.status).toBe(0);
    expectSameBytes(cli.stdout, CLI_TEXT);
  });
});

describe("round trips through kafkajs' CompressionCodecs", () => {
  const inputs = {
    empty: Buffer.alloc(0),
    small: Buffer.from("hello kafka"),
    "text over several 32 KB xerial blocks": Buffer.concat([CLI_TEXT, CLI_TEXT]),
    "incompressible 100 KB": randomBytes(100_000),
  };
  for (const codec of Object.keys(CODECS) as CodecName[]) {
    for (const [label, input] of Object.entries(inputs)) {
      it(`${codec}: ${label}`, async () => {
        const c = registry[CODECS[codec]]();
        expectSameBytes(await c.decompress(await c.compress({ buffer: input })), input);
      });
    }
  }

  it("snappy is written xerial-framed in 32 KB blocks, as Java's producer does", async () => {
    const input = Buffer.concat([CLI_TEXT, CLI_TEXT]);
    const out = await registry[CompressionTypes.Snappy]().compress({ buffer: input });
    expect(out.subarray(0, 16).toString("hex")).toBe("82534e41505059000000000100000001");
    expect(xerialChunks(out)).toHaveLength(Math.ceil(input.length / 32_768));
    // Each chunk is a raw snappy block of the input's matching slice (read by another snappy package).
    const { uncompressSync } = require("snappy") as typeof import("snappy");
    expectSameBytes(Buffer.concat(xerialChunks(out).map((chunk) => uncompressSync(chunk) as Buffer)), input);
  });

  it("two concatenated xerial streams read as one (snappy-java does the same)", async () => {
    const c = registry[CompressionTypes.Snappy]();
    const joined = Buffer.concat([await c.compress({ buffer: Buffer.from("first ") }), await c.compress({ buffer: Buffer.from("second") })]);
    expect((await c.decompress(joined)).toString()).toBe("first second");
  });

  it("kafkajs' own record batch encoder uses the registered codecs (the path of producer.send)", async () => {
    const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0") as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
    const Record = require("kafkajs/src/protocol/recordBatch/record/v0") as (o: object) => unknown;
    const Long = require("kafkajs/src/utils/long") as { fromValue(v: number): unknown };
    for (const codec of ["snappy", "lz4", "zstd"] as const) {
      const records = FIXTURE_RECORDS.slice(0, 50).map((r, i) => Record({ offsetDelta: i, timestampDelta: i, key: Buffer.from(r.key), value: Buffer.from(r.value), headers: {} }));
      const { buffer } = await RecordBatch({
        compression: CODECS[codec],
        firstOffset: Long.fromValue(0),
        firstTimestamp: 1_764_000_000_000,
        maxTimestamp: 1_764_000_000_049,
        lastOffsetDelta: 49,
        producerId: Long.fromValue(-1),
        records,
      });
      expect(buffer.readInt16BE(21) & 7).toBe(CODECS[codec]);
      expect((await decodeAll(buffer)).map((r) => r.value?.toString())).toEqual(FIXTURE_RECORDS.slice(0, 50).map((r) => r.value));
    }
  });
});

describe("errors name the codec", () => {
  const original = registry[CompressionTypes.LZ4];
  afterEach(() => {
    registry[CompressionTypes.LZ4] = original;
  });

  it("a codec nobody registered: COMPRESSION_UNSUPPORTED naming it (kafkajs' own placeholder behind it)", async () => {
    const { Codecs } = require("kafkajs/src/protocol/message/compression") as { Codecs: Record<number, unknown> };
    expect(Codecs).toBe(CompressionCodecs); // the registry the reader looks up is the one we fill
    registry[CompressionTypes.LZ4] = () => {
      throw new Error("LZ4 compression not implemented");
    };
    const error = await decodeAll(fixture("kcat-lz4.records")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompressionError);
    expect(error).toMatchObject({ code: "COMPRESSION_UNSUPPORTED", codec: "lz4" });
    expect((error as Error).message).toMatch(/^COMPRESSION_UNSUPPORTED: record batch compressed with lz4.*not implemented/);
  });

  it("codec bits Kafka does not define (5-7)", async () => {
    await expect(decompressRecords(6, Buffer.from("x"))).rejects.toMatchObject({ code: "COMPRESSION_UNSUPPORTED", message: expect.stringContaining("codec 6") });
  });

  for (const codec of Object.keys(CODECS) as CodecName[]) {
    it(`${codec}: corrupt bytes give COMPRESSION_CORRUPT, not garbage records`, async () => {
      const garbage = Buffer.from("this is not compressed data at all, not in any codec...");
      await expect(KAFKA_CODECS[CODECS[codec]].decompress(garbage)).rejects.toMatchObject({ code: "COMPRESSION_CORRUPT", codec });
    });
  }

  it("a cut xerial stream", async () => {
    const whole = await registry[CompressionTypes.Snappy]().compress({ buffer: CLI_TEXT });
    await expect(registry[CompressionTypes.Snappy]().decompress(whole.subarray(0, whole.length - 10))).rejects.toMatchObject({
      code: "COMPRESSION_CORRUPT",
      message: expect.stringContaining("overruns"),
    });
  });
});
