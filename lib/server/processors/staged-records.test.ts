import { describe, expect, it } from "vitest";
import type { KafkaRecord } from "@/lib/domain/types";
import { StagedRecords } from "./staged-records";

describe("StagedRecords", () => {
  it("gives back every record as added, across segments and pooled reuse, with null and empty keys and values", () => {
    // ~6 MB of keys and values: two segments; then the same again in segments reused from the pool.
    for (const seed of [0, 1]) {
      const records = sample(seed);
      const staged = new StagedRecords();
      for (let i = 0; i < records.length; i += 999) staged.add(records.slice(i, i + 999));
      expect(staged.size).toBe(records.length);
      expect(staged.partitions()).toHaveLength(8);
      const back: unknown[] = [];
      staged.forEach((r) => back.push({ ...r, key: r.key && r.key.toString("hex"), value: r.value && r.value.toString("hex") }));
      expect(back).toEqual(records.map(expected));
      staged.release();
      expect(staged.size).toBe(0);
    }
  });

  it("keeps a record larger than a segment whole", () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 9);
    const staged = new StagedRecords();
    staged.add([{ topic: "t", partition: 0, offset: 1, timestamp: 2, key: Buffer.from("k"), value: big, headers: {} }]);
    staged.add([{ topic: "t", partition: 0, offset: 2, timestamp: 3, key: null, value: Buffer.from("small"), headers: {} }]);
    const values: string[] = [];
    staged.forEach((r) => values.push(r.value!.equals(big) ? "big" : r.value!.toString()));
    expect(values).toEqual(["big", "small"]);
  });
});

function sample(seed: number): KafkaRecord[] {
  return Array.from({ length: 40_000 }, (_, i) => ({
    topic: i % 3 === 0 ? "a" : "b",
    partition: i % 4,
    offset: 1e12 + i,
    timestamp: 1_764_000_000_000 + i,
    key: i % 11 === 0 ? null : i % 13 === 0 ? Buffer.alloc(0) : Buffer.from(`key-${seed}-${i}`),
    value: i % 7 === 0 ? null : Buffer.alloc(50 + ((i + seed) % 200), (i + seed) % 256),
    headers: i % 5 === 0 ? { h: `v${i}`, b: Buffer.from([0x41]) } : {},
  }));
}

function expected(r: KafkaRecord) {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key && r.key.toString("hex"),
    value: r.value && r.value.toString("hex"),
    headers: Object.keys(r.headers).length ? JSON.stringify({ h: r.headers.h, b: "A" }) : null,
  };
}
