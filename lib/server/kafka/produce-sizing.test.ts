import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { CompressionTypes } from "kafkajs";
import { describe, expect, it } from "vitest";
import { recordBytes, sendBudget, sendEnd, singleRecordBatchBytes, splitSends, type SizedMessage } from "./produce-sizing";

// kafkajs' own encoders of a produce request's record batch: what the broker holds against max.message.bytes.
const require = createRequire(import.meta.url);
const Record = require("kafkajs/src/protocol/recordBatch/record/v0") as (r: object) => unknown;
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0") as { RecordBatch: (b: object) => Promise<{ buffer: Buffer }> };

async function encodedBatchBytes(messages: SizedMessage[], compression = CompressionTypes.None): Promise<number> {
  const now = Date.now();
  const records = messages.map((m, i) => Record({ key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta: i * 1_000_003 }));
  const batch = await RecordBatch({ compression, records, firstTimestamp: now, maxTimestamp: now + messages.length * 1_000_003, lastOffsetDelta: messages.length - 1 });
  return batch.buffer.length; // firstOffset + length + the batch: the log's size of it
}

const message = (keyBytes: number | null, valueBytes: number | null, headers: Record<string, string> = {}): SizedMessage => ({
  key: keyBytes === null ? null : randomBytes(keyBytes),
  value: valueBytes === null ? null : randomBytes(valueBytes),
  headers,
});

describe("produce sizing", () => {
  it("bounds kafkajs' encoded batch from above, within a few bytes per record", async () => {
    const shapes = [
      [message(null, null)],
      [message(3, 10, { "tidemark.source": "src/0/0" })],
      [message(200, 100_000, { "tidemark.source": "source-topic/12/123456789", h: "é" })],
      Array.from({ length: 500 }, (_, i) => message(i % 20, (i * 37) % 3_000, { "tidemark.source": `s/0/${i}` })),
      [{ key: "clé", value: "välue", headers: { "tidemark.source": "s/0/1" } }],
    ];
    for (const messages of shapes) {
      const estimate = 61 + messages.reduce((sum, m) => sum + recordBytes(m), 0);
      const actual = await encodedBatchBytes(messages);
      expect(estimate).toBeGreaterThanOrEqual(actual);
      expect(estimate - actual).toBeLessThanOrEqual(45 * messages.length);
    }
    expect(singleRecordBatchBytes(shapes[2][0])).toBeGreaterThanOrEqual(await encodedBatchBytes(shapes[2]));
  });

  it("a compressed send of incompressible records filling the budget stays within the limit", async () => {
    const limit = 262_144;
    const budget = sendBudget(limit, true);
    const messages: SizedMessage[] = [];
    for (let total = 0; ; ) {
      const m = message(8, 4_000, { "tidemark.source": "s/0/1" });
      if (total + recordBytes(m) > budget) break;
      messages.push(m);
      total += recordBytes(m);
    }
    expect(await encodedBatchBytes(messages, CompressionTypes.GZIP)).toBeLessThanOrEqual(limit);
    expect(await encodedBatchBytes(messages, CompressionTypes.GZIP)).toBeGreaterThan(limit * 0.95); // random data does not shrink
    expect(61 + budget).toBeLessThanOrEqual(limit);
    expect(sendBudget(limit, false)).toBe(limit - 61);
  });

  it("sends at most the budget per part, in order, an oversized record alone", () => {
    expect(splitSends([10, 10, 10, 25, 5, 5], 20)).toEqual([
      [0, 2],
      [2, 3],
      [3, 4],
      [4, 6],
    ]);
    expect(splitSends([], 20)).toEqual([]);
    expect(sendEnd([30, 1], 0, 20)).toBe(1);
    expect(sendEnd([5, 5, 5], 1, 10)).toBe(3);
  });
});
