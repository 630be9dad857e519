import { describe, expect, it } from "vitest";
import { bandPath, linearPath, linearScale, nearestIndex, niceTicks, timeAxisTicks, timeTicks } from "./chart-geometry";

const H = 3_600_000;

describe("chart geometry", () => {
  it("maps a domain onto pixels", () => {
    const y = linearScale(0, 100, 200, 0);
    expect([y(0), y(50), y(100)]).toEqual([200, 100, 0]);
    expect(linearScale(5, 5, 0, 10)(5)).toBe(0);
  });

  it("chooses round value ticks from zero, whole numbers when asked, and a unit range when there is nothing", () => {
    expect(niceTicks(0, 3870)).toEqual({ domain: [0, 4000], ticks: [0, 1000, 2000, 3000, 4000] });
    expect(niceTicks(120, 930)).toEqual({ domain: [0, 1000], ticks: [0, 250, 500, 750, 1000] });
    expect(niceTicks(0, 0.4).ticks).toEqual([0, 1]);
    expect(niceTicks(0, 0.4, 5, false).ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(Infinity, -Infinity)).toEqual({ domain: [0, 1], ticks: [0, 1] });
    for (const max of [1, 7, 13, 99, 101, 4_999, 123_456_789]) {
      const { domain, ticks } = niceTicks(0, max);
      expect(domain[1]).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(7);
      expect(ticks.every((t) => Number.isInteger(t))).toBe(true);
    }
  });

  it("puts time ticks on round local times, no closer than the spacing", () => {
    const from = Date.UTC(2026, 0, 5, 10, 7, 30);
    expect(timeTicks(from, from + H, 600, 80)).toEqual([10, 20, 30, 40, 50, 60].map((m) => Date.UTC(2026, 0, 5, 10, m, 0)));
    const week = timeTicks(from, from + 7 * 24 * H, 600, 100);
    expect(week.length).toBeLessThanOrEqual(6);
    // A day's step, at local midnight 2 hours ahead of UTC
    const local = timeTicks(from, from + 7 * 24 * H, 800, 100, 2 * H);
    expect(local.every((t) => (t + 2 * H) % (24 * H) === 0)).toBe(true);
    expect(timeTicks(from, from, 600, 80)).toEqual([]);
  });

  it("spaces a time axis' ticks for its labels: wider apart when they show the day", () => {
    const from = Date.UTC(2026, 0, 5, 10, 7, 30);
    const hour = timeAxisTicks(from, from + H, 800);
    // 800 px at 80 px a label: ten-minute steps.
    expect(hour.ticks.length).toBe(6);
    expect(hour.ticks.slice(1).map((t, i) => t - hour.ticks[i])).toEqual(Array(5).fill(10 * 60_000));
    expect(hour.format(hour.ticks[0])).toMatch(/^\d{1,2}:\d{2}:\d{2}$/);
    const week = timeAxisTicks(from, from + 7 * 24 * H, 800);
    // 800 px at 100 px a label (weekday and time), a day apart.
    expect(week.ticks.length).toBe(7);
    expect(week.format(week.ticks[0])).toMatch(/^[A-Z][a-z]{2} \d{2}:\d{2}$/);
  });

  it("draws straight and banded paths that pass through every point", () => {
    const pts = [
      { x: 0, y: 10 },
      { x: 10, y: 0 },
      { x: 20, y: 5 },
      { x: 30, y: 5 },
    ];
    expect(linearPath(pts)).toBe("M0,10L10,0L20,5L30,5");
    expect(bandPath(pts.slice(0, 2), [{ x: 0, y: 20 }, { x: 10, y: 30 }])).toBe("M0,10L10,0L10,30L0,20Z");
  });

  it("finds the row nearest to a time", () => {
    const rows = [{ ts: 0 }, { ts: 10 }, { ts: 20 }];
    expect([-5, 4, 6, 14, 16, 99].map((t) => nearestIndex(rows, t))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(nearestIndex([], 5)).toBe(-1);
  });
});
