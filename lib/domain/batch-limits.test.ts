import { describe, expect, it } from "vitest";
import { checkRangesAsRead, cutRanges, effectiveBatchLimits, rangeSpan } from "./batch-limits";

const range = (partition: number, fromOffset: number, untilOffset: number) => ({ topic: "t", partition, fromOffset, untilOffset });
const planned = [range(0, 10, 20), range(1, 0, 5)];

describe("effectiveBatchLimits", () => {
  it("takes the job's own limits and the defaults where it sets none", () => {
    const defaults = { maxRecordsPerPartition: 25_000, maxBatchBytes: 1 << 25 };
    expect(effectiveBatchLimits({ maxRecordsPerPartition: null, maxBatchBytes: null }, defaults)).toEqual(defaults);
    expect(effectiveBatchLimits({ maxRecordsPerPartition: 7, maxBatchBytes: null }, defaults)).toEqual({ maxRecordsPerPartition: 7, maxBatchBytes: 1 << 25 });
    expect(effectiveBatchLimits({ maxRecordsPerPartition: null, maxBatchBytes: 4096 }, defaults)).toEqual({ maxRecordsPerPartition: 25_000, maxBatchBytes: 4096 });
  });
});

describe("checkRangesAsRead", () => {
  it("accepts the plan itself, and ends lowered down to the start, in the plan's order", () => {
    expect(checkRangesAsRead(planned, [...planned].reverse(), new Map([["t:0", 19]]))).toEqual(planned);
    const asRead = [range(1, 0, 0), range(0, 10, 13)];
    expect(checkRangesAsRead(planned, asRead, new Map([["t:0", 12]]))).toEqual([range(0, 10, 13), range(1, 0, 0)]);
  });

  it("refuses other partitions, moved starts, ends past the plan or before a record handed over", () => {
    expect(() => checkRangesAsRead(planned, [range(0, 10, 20)], new Map())).toThrow("the reader returned 1 ranges for a plan of 2");
    expect(() => checkRangesAsRead(planned, [range(0, 10, 20), range(2, 0, 5)], new Map())).toThrow("no range for t/1");
    expect(() => checkRangesAsRead(planned, [range(0, 11, 20), range(1, 0, 5)], new Map())).toThrow("returned [11, 20) for t/0, planned [10, 20)");
    expect(() => checkRangesAsRead(planned, [range(0, 10, 21), range(1, 0, 5)], new Map())).toThrow("returned [10, 21) for t/0");
    expect(() => checkRangesAsRead(planned, [range(0, 10, 9), range(1, 0, 5)], new Map())).toThrow("returned [10, 9) for t/0");
    expect(() => checkRangesAsRead(planned, [range(0, 10, 15), range(1, 0, 5)], new Map([["t:0", 15]]))).toThrow("handed over offset 15 of t/0 but says it read [10, 15)");
  });
});

describe("cutRanges and rangeSpan", () => {
  it("name the ranges a read ended early, and count offsets", () => {
    const asRead = [range(0, 10, 13), range(1, 0, 5)];
    expect(cutRanges(planned, asRead)).toEqual([range(0, 10, 13)]);
    expect(cutRanges(planned, planned)).toEqual([]);
    expect(rangeSpan(asRead)).toBe(8);
  });
});
