import { describe, expect, it } from "vitest";
import type { KafkaRecord } from "@/lib/domain/types";
import { StagedRecords } from "./staged-records";

describe("StagedRecords", () => {
  it("gives back every record as added, across buffer growth, with null and empty keys and values", () => {
    const records: KafkaRecord[] = Array.from({ length: 20_000 }, (_, i) => ({
      topic: i % 3 === 0 ? "a" : "b",
      partition: i % 4,
      offset: 1e12 + i,
      timestamp: 1_764_000_000_000 + i,
      key: i % 11 === 0 ? null : i % 13 === 0 ? Buffer.alloc(0) : Buffer.from(`key-${i}`),
      value: i % 7 === 0 ? null : Buffer.alloc(50 + (i % 200), i % 256),
      headers: i % 5 === 0 ? { h: `v${i}`, b: Buffer.from([0x41]) } : {},
    }));
    const staged = new StagedRecords();
    for (let i = 0; i < records.length; i += 999) staged.add(records.slice(i, i + 999));
    expect(staged.size).toBe(records.length);
    expect(staged.partitions()).toHaveLength(8);
    const back: unknown[] = [];
    staged.forEach((r) => back.push({ ...r, key: r.key && r.key.toString("hex"), value: r.value && r.value.toString("hex") }));
    expect(back).toEqual(
      records.map((r) => ({
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key && r.key.toString("hex"),
        value: r.value && r.value.toString("hex"),
        headers: Object.keys(r.headers).length ? JSON.stringify({ h: r.headers.h, b: "A" }) : null,
      })),
    );
  });
});
