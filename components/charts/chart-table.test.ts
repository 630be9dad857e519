import { describe, expect, it } from "vitest";
import { latestValuesText } from "./chart-table";

const format = (v: number) => `${v}`;

describe("latestValuesText", () => {
  it("names each series' newest value, a band as its range", () => {
    const rows = [
      { ts: 1_000, lag: 5, band: [1, 9] },
      { ts: 2_000, lag: 7, band: [2, 12] },
    ];
    const text = latestValuesText({ series: [{ key: "band", name: "min–max" }, { key: "lag", name: "lag" }], rows, format });
    expect(text).toMatch(/^Latest \(.+\): min–max 2–12, lag 7\.$/);
  });

  it("says a missing value and that there are no samples", () => {
    expect(latestValuesText({ series: [{ key: "lag", name: "lag" }], rows: [{ ts: 1 }], format })).toMatch(/lag —\.$/);
    expect(latestValuesText({ series: [{ key: "lag", name: "lag" }], rows: [], format })).toBe("No samples yet.");
  });

  it("lists six series and points to the table for the rest", () => {
    const series = Array.from({ length: 8 }, (_, i) => ({ key: `p${i}`, name: `p${i}` }));
    const row = Object.fromEntries([["ts", 1], ...series.map((s, i) => [s.key, i])]);
    expect(latestValuesText({ series, rows: [row], format })).toMatch(/p5 5 and 2 more in the table\.$/);
  });
});
