import { describe, expect, it } from "vitest";
import { bucketMsFor, maxRowsPerSeries, parseDuration, rollupCutoff, rollupTiers } from "./lag-retention";

const H = 3_600_000;
const D = 24 * H;

describe("lag retention", () => {
  it("parses durations", () => {
    expect(parseDuration("7d")).toBe(7 * D);
    expect(parseDuration("36h")).toBe(36 * H);
    expect(parseDuration("90m")).toBe(90 * 60_000);
    expect(parseDuration("45s")).toBe(45_000);
    expect(parseDuration("1500")).toBe(1500);
    expect(parseDuration("1w")).toBe(7 * D);
    expect(() => parseDuration("soon")).toThrow(/not a duration/);
  });

  it("keeps raw samples 6 h, minutes 2 d, quarter hours to the retention, clipped to a short retention", () => {
    expect(rollupTiers(7 * D)).toEqual([
      { resolutionMs: 0, keepMs: 6 * H },
      { resolutionMs: 60_000, keepMs: 2 * D },
      { resolutionMs: 900_000, keepMs: 7 * D },
    ]);
    expect(rollupTiers(1 * D)).toEqual([
      { resolutionMs: 0, keepMs: 6 * H },
      { resolutionMs: 60_000, keepMs: 1 * D },
    ]);
    expect(rollupTiers(2 * H)).toEqual([{ resolutionMs: 0, keepMs: 2 * H }]);
  });

  it("cuts on whole buckets of the next tier", () => {
    const tiers = rollupTiers(7 * D);
    const now = 10 * D + 6 * H + 90_500;
    expect(rollupCutoff(now, tiers[0], tiers[1])).toBe(10 * D + 60_000);
  });

  it("bounds the rows of one series: 5 s samples for 7 days", () => {
    // raw: (6 h + 1 min + 1 min) / 5 s + 1; minutes: (42 h + 15 + 1 + 1 min) / 1 min + 1; quarters: (5 d + 15 + 1 min) / 15 min + 1
    expect(maxRowsPerSeries(5000, rollupTiers(7 * D))).toBe(4345 + 2538 + 483);
  });

  it("chooses buckets that give at most 500 points for every range", () => {
    for (const range of [15 * 60_000, H, 6 * H, D, 7 * D]) {
      const b = bucketMsFor(0, range, 500);
      expect(Math.floor(range / b) + 1).toBeLessThanOrEqual(500);
    }
    expect(bucketMsFor(0, 15 * 60_000, 500)).toBe(2000);
    expect(bucketMsFor(0, 7 * D, 500)).toBe(30 * 60_000);
  });
});
