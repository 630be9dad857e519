import { describe, expect, it } from "vitest";
import { etaToCatchUp, lagTrend, slopePerSecond, type TrendPoint } from "./lag-trend";

const points = (n: number, f: (i: number) => Omit<TrendPoint, "ts">, stepMs = 1000): TrendPoint[] =>
  Array.from({ length: n }, (_, i) => ({ ts: 1_000_000 + i * stepMs, ...f(i) }));

describe("lag trend and ETA", () => {
  it("slope is per second and 0 without two distinct times", () => {
    expect(slopePerSecond([{ x: 0, y: 0 }, { x: 2000, y: 10 }])).toBeCloseTo(5);
    expect(slopePerSecond([{ x: 0, y: 3 }])).toBe(0);
    expect(slopePerSecond([{ x: 5, y: 3 }, { x: 5, y: 9 }])).toBe(0);
  });

  it("catching up: consume 100/s, produce 20/s, lag 800 → 10 s", () => {
    const trend = lagTrend(points(5, (i) => ({ position: 100 * i, logEnd: 1000 + 20 * i, lag: 1000 - 80 * i })));
    expect(trend.consumeRate).toBeCloseTo(100);
    expect(trend.produceRate).toBeCloseTo(20);
    expect(trend.lagPerSec).toBeCloseTo(-80);
    expect(etaToCatchUp(800, trend)).toEqual({ state: "catching-up", ms: 10_000 });
  });

  it("falling behind or standing still never catches up", () => {
    const behind = lagTrend(points(5, (i) => ({ position: 10 * i, logEnd: 50 * i, lag: 40 * i })));
    expect(behind.lagPerSec).toBeGreaterThan(0);
    expect(etaToCatchUp(160, behind)).toEqual({ state: "never", ms: null });
    const stopped = lagTrend(points(5, () => ({ position: 7, logEnd: 100, lag: 93 })));
    expect(etaToCatchUp(93, stopped)).toEqual({ state: "never", ms: null });
  });

  it("a consumer that reads its whole lag within a sample interval is keeping up, even if production is as fast", () => {
    const steady = lagTrend(points(5, (i) => ({ position: 300 * i, logEnd: 30 + 300 * i, lag: 30 })));
    expect(etaToCatchUp(30, steady)).toEqual({ state: "never", ms: null });
    expect(etaToCatchUp(30, steady, 5000)).toEqual({ state: "catching-up", ms: 100 });
    expect(etaToCatchUp(3000, steady, 5000)).toEqual({ state: "never", ms: null });
  });

  it("zero lag is caught up; no trend is unknown", () => {
    expect(etaToCatchUp(0, null)).toEqual({ state: "caught-up", ms: 0 });
    expect(etaToCatchUp(5, null)).toEqual({ state: "unknown", ms: null });
  });
});
