import { describe, expect, it } from "vitest";
import { MAX_OUTAGE_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS, retryDelayMs } from "./retry-delay";

const sequence = (count: number, base: number, max: number) => Array.from({ length: count }, (_, i) => retryDelayMs(i + 1, base, max));

describe("retryDelayMs", () => {
  it("doubles from the base after each failed attempt, up to 30 s", () => {
    expect(sequence(12, 50, MAX_RETRY_DELAY_MS)).toEqual([50, 100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 30_000, 30_000]);
    expect(sequence(5, 500, MAX_RETRY_DELAY_MS)).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
  });

  it("checks for the broker at least every 5 s during a Kafka outage", () => {
    expect(sequence(9, 50, MAX_OUTAGE_RETRY_DELAY_MS)).toEqual([50, 100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
    expect(retryDelayMs(1, 60_000, MAX_OUTAGE_RETRY_DELAY_MS)).toBe(5_000);
  });

  it("stays at the cap in an outage of any length", () => {
    expect(retryDelayMs(10_000, 10, MAX_OUTAGE_RETRY_DELAY_MS)).toBe(5_000);
    expect(retryDelayMs(10_000, 10, MAX_RETRY_DELAY_MS)).toBe(30_000);
  });
});
