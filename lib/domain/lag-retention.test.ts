import { describe, expect, it } from "vitest";
import { bucketMsFor, maxRowsPerSeries, parseDuration, planTierReads, rollupTiers, type TierSpan } from "./lag-retention";

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

  it("keeps raw samples 6 h, minutes 2 d, quarter hours and hours to the retention, each clipped to it", () => {
    expect(rollupTiers(7 * D, 5000)).toEqual([
      { resolutionMs: 0, keepMs: 6 * H },
      { resolutionMs: 60_000, keepMs: 2 * D },
      { resolutionMs: 900_000, keepMs: 7 * D },
      { resolutionMs: H, keepMs: 7 * D },
    ]);
    expect(rollupTiers(1 * D, 5000)).toEqual([
      { resolutionMs: 0, keepMs: 6 * H },
      { resolutionMs: 60_000, keepMs: 1 * D },
      { resolutionMs: 900_000, keepMs: 1 * D },
      { resolutionMs: H, keepMs: 1 * D },
    ]);
    // An hour's bucket needs a source that still holds two of them when it completes.
    expect(rollupTiers(H, 5000)).toEqual([
      { resolutionMs: 0, keepMs: H },
      { resolutionMs: 60_000, keepMs: H },
      { resolutionMs: 900_000, keepMs: H },
    ]);
  });

  it("leaves out tiers no coarser than the sampling interval", () => {
    expect(rollupTiers(7 * D, 5 * 60_000).map((t) => t.resolutionMs)).toEqual([0, 900_000, H]);
    expect(rollupTiers(7 * D, 60_000).map((t) => t.resolutionMs)).toEqual([0, 900_000, H]);
  });

  it("bounds the rows of one series: 5 s samples for 7 days", () => {
    // raw: (6 h + 1 min) / 5 s + 1; minutes: (2 d + 1 min) / 1 min + 1; quarters: (7 d + 1 min) / 15 min + 1; hours: (7 d + 1 min) / 1 h + 1
    expect(maxRowsPerSeries(5000, rollupTiers(7 * D, 5000))).toBe(4333 + 2882 + 674 + 170);
  });

  it("chooses buckets that give at most 500 points for every range", () => {
    for (const range of [15 * 60_000, H, 6 * H, D, 7 * D]) {
      const b = bucketMsFor(0, range, 500);
      expect(Math.floor(range / b) + 1).toBeLessThanOrEqual(500);
    }
    expect(bucketMsFor(0, 15 * 60_000, 500)).toBe(2000);
    expect(bucketMsFor(0, 7 * D, 500)).toBe(30 * 60_000);
  });

  describe("which tier a range read takes", () => {
    const M = 60_000;
    const now = 100 * D + 7 * M + 30_000; // 100 days after the epoch, 00:07:30
    // What a week-old subject holds, as the sampler leaves it at `now`.
    const spans: TierSpan[] = [
      { resolutionMs: 0, fromMs: now - 6 * H, untilMs: Infinity },
      { resolutionMs: M, fromMs: 98 * D + 8 * M, untilMs: 100 * D + 7 * M },
      { resolutionMs: 15 * M, fromMs: 93 * D + 15 * M, untilMs: 100 * D },
      { resolutionMs: H, fromMs: 93 * D + H, untilMs: 100 * D },
    ];
    const plan = (fromMs: number, bucketMs: number) => planTierReads(spans, fromMs, now, bucketMs);

    it("reads a week of 2-hour buckets from hourly rows, the last hour from minutes, the last seconds raw", () => {
      expect(plan(now - 7 * D, 2 * H)).toEqual([
        // The oldest 45 minutes are only in quarter hours (the hours' cut is on a whole hour).
        { resolutionMs: 15 * M, fromMs: 93 * D + 15 * M, untilMs: 93 * D + H },
        { resolutionMs: H, fromMs: 93 * D + H, untilMs: 100 * D },
        { resolutionMs: M, fromMs: 100 * D, untilMs: 100 * D + 7 * M },
        { resolutionMs: 0, fromMs: 100 * D + 7 * M, untilMs: now + 1 },
      ]);
    });

    it("takes the coarsest tier whose width divides the bucket", () => {
      expect(plan(now - 7 * D, 30 * M)[0]).toMatchObject({ resolutionMs: 15 * M });
      // The first minute starts before the range (00:07:30): it is the first bucket's.
      expect(plan(now - D, 5 * M)[0]).toMatchObject({ resolutionMs: M, fromMs: now - D - 30_000 });
      expect(plan(now - H, 10_000)).toEqual([{ resolutionMs: 0, fromMs: now - H, untilMs: now + 1 }]);
    });

    it("reads what a fitting tier no longer holds from the finest tier that does, without counting a bucket twice", () => {
      // 10-minute buckets over 3 days: minutes are kept 2 days, so the first day comes from quarter hours. The
      // quarter hour that holds the minutes' first row (98 d 00:08) reaches to 00:15: minutes start there.
      expect(plan(now - 3 * D, 10 * M)).toEqual([
        { resolutionMs: 15 * M, fromMs: 97 * D, untilMs: 98 * D + 8 * M },
        { resolutionMs: M, fromMs: 98 * D + 15 * M, untilMs: 100 * D + 7 * M },
        { resolutionMs: 0, fromMs: 100 * D + 7 * M, untilMs: now + 1 },
      ]);
    });

    it("reads raw samples only, for a subject no roll-up has reached yet, and nothing for a subject without samples", () => {
      expect(planTierReads([{ resolutionMs: 0, fromMs: now - 30_000, untilMs: Infinity }], now - 7 * D, now, 2 * H)).toEqual([
        { resolutionMs: 0, fromMs: now - 30_000, untilMs: now + 1 },
      ]);
      expect(planTierReads([], now - H, now, 10_000)).toEqual([]);
    });

    it("covers every instant of the range once, for every range of the picker and point budget", () => {
      for (const range of [15 * M, H, 6 * H, D, 7 * D]) {
        for (const points of [60, 93, 120, 500]) {
          const from = now - range;
          const b = bucketMsFor(from, now, points);
          const segments = plan(from, b);
          for (let i = 1; i < segments.length; i++) expect(segments[i].fromMs).toBeGreaterThanOrEqual(segments[i - 1].untilMs);
          // Where a coarse tier ends inside the range, its last bucket reaches exactly to the next segment.
          for (let i = 1; i < segments.length; i++) {
            const prev = segments[i - 1];
            const end = prev.resolutionMs > 0 ? Math.ceil(prev.untilMs / prev.resolutionMs) * prev.resolutionMs : prev.untilMs;
            expect(segments[i].fromMs).toBe(end);
          }
          const first = segments[0].resolutionMs;
          expect(segments[0].fromMs).toBe(first > 0 ? Math.floor(Math.max(from, 93 * D + 15 * M) / first) * first : from);
          expect(Math.floor(segments[0].fromMs / b)).toBe(Math.floor(Math.max(from, 93 * D + 15 * M) / b));
          expect(segments.at(-1)!.untilMs).toBe(now + 1);
          // Every tier read is one whose rows fit the bucket (all tiers hold the picker's ranges' data).
          for (const s of segments) expect(s.resolutionMs === 0 || b % s.resolutionMs === 0).toBe(true);
        }
      }
    });
  });
});
