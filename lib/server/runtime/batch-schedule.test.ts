import { describe, expect, it } from "vitest";
import { nextBatchTime } from "./batch-schedule";

describe("nextBatchTime", () => {
  it("is one interval after the previous batch time", () => {
    expect(nextBatchTime(10_000, 2000, 10_500)).toBe(12_000);
  });
  it("keeps the slot when a batch overran by less than an interval (scheduling delay shows it)", () => {
    expect(nextBatchTime(10_000, 2000, 13_500)).toBe(12_000);
  });
  it("starts now instead of queueing missed slots when far behind", () => {
    expect(nextBatchTime(10_000, 2000, 20_000)).toBe(20_000);
  });
});
