import { describe, expect, it } from "vitest";
import { nextRecordCap } from "./backpressure";

const base = { configuredCap: null, currentCap: null, lastMaxPartitionRecords: 10_000, processingTimeMs: 500, intervalMs: 1000 };

describe("nextRecordCap", () => {
  it("keeps no cap while batches are fast", () => {
    expect(nextRecordCap(base)).toBeNull();
  });

  it("shrinks to what fits in 80% of the interval when a batch overruns", () => {
    expect(nextRecordCap({ ...base, processingTimeMs: 4000 })).toBe(2000);
  });

  it("never goes below the floor, and never above the configured cap", () => {
    expect(nextRecordCap({ ...base, lastMaxPartitionRecords: 120, processingTimeMs: 100_000 })).toBe(100);
    expect(nextRecordCap({ ...base, configuredCap: 500, currentCap: 500, lastMaxPartitionRecords: 500, processingTimeMs: 400 })).toBe(500);
  });

  it("grows back by half when batches are fast and full, up to the configured cap", () => {
    expect(nextRecordCap({ ...base, configuredCap: 5000, currentCap: 2000, lastMaxPartitionRecords: 2000, processingTimeMs: 200 })).toBe(3000);
    expect(nextRecordCap({ ...base, configuredCap: 5000, currentCap: 4000, lastMaxPartitionRecords: 4000, processingTimeMs: 200 })).toBe(5000);
  });

  it("without a configured cap, grows while batches fill it and then holds it: the cap is never removed", () => {
    expect(nextRecordCap({ ...base, currentCap: 2000, lastMaxPartitionRecords: 2000, processingTimeMs: 200 })).toBe(3000);
    expect(nextRecordCap({ ...base, currentCap: 3000, lastMaxPartitionRecords: 1200, processingTimeMs: 100 })).toBe(3000);
  });

  it("holds the cap when batches are neither slow nor fast, or not full", () => {
    expect(nextRecordCap({ ...base, currentCap: 2000, lastMaxPartitionRecords: 2000, processingTimeMs: 800 })).toBe(2000);
    expect(nextRecordCap({ ...base, currentCap: 2000, lastMaxPartitionRecords: 30, processingTimeMs: 10 })).toBe(2000);
  });
});
