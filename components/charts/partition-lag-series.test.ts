import { describe, expect, it } from "vitest";
import { chartWindow, OTHER_KEY, otherSeriesName, partitionRows, rankPartitions, splitShown, TOP_PARTITIONS } from "./partition-lag-series";

const partition = (p: number, lags: number[], topic = "orders") => ({ topic, partition: p, points: lags.map((lag, i) => ({ ts: 1000 * (i + 1), lag })) });

describe("partition lag series", () => {
  it("ranks partitions by their latest lag, ties in numeric partition order, keeping each its own row key", () => {
    const ranked = rankPartitions([partition(10, [5, 1]), partition(2, [0, 1]), partition(1, [9, 7])]);
    expect(ranked.map((s) => [s.id, s.key, s.last])).toEqual([
      ["orders/1", "p2", 7],
      ["orders/2", "p1", 1],
      ["orders/10", "p0", 1],
    ]);
  });

  it("shows the most lagging partitions by default, or exactly those chosen", () => {
    const ranked = rankPartitions(Array.from({ length: TOP_PARTITIONS + 2 }, (_, p) => partition(p, [p])));
    const byDefault = splitShown(ranked, null);
    expect(byDefault.visible).toHaveLength(TOP_PARTITIONS);
    expect(byDefault.hidden.map((s) => s.id)).toEqual(["orders/1", "orders/0"]);
    const chosen = splitShown(ranked, new Set(["orders/0"]));
    expect(chosen.visible.map((s) => s.id)).toEqual(["orders/0"]);
    expect(chosen.hidden).toHaveLength(TOP_PARTITIONS + 1);
  });

  it("folds the hidden partitions into one series: their sum when stacked, their highest lag otherwise", () => {
    const ranked = rankPartitions([partition(0, [50, 60]), partition(1, [3, 4]), partition(2, [5, 1])]);
    const { visible, hidden } = splitShown(ranked, new Set(["orders/0"]));
    expect(partitionRows(visible, hidden, { other: true, stacked: true })).toEqual([
      { ts: 1000, p0: 50, [OTHER_KEY]: 8 },
      { ts: 2000, p0: 60, [OTHER_KEY]: 5 },
    ]);
    expect(partitionRows(visible, hidden, { other: true, stacked: false })).toEqual([
      { ts: 1000, p0: 50, [OTHER_KEY]: 5 },
      { ts: 2000, p0: 60, [OTHER_KEY]: 4 },
    ]);
    expect(partitionRows(visible, hidden, { other: false, stacked: true })).toEqual([
      { ts: 1000, p0: 50 },
      { ts: 2000, p0: 60 },
    ]);
    expect(otherSeriesName(hidden.length, true)).toBe("other 2 partitions (sum)");
  });

  it("uses the server's window once it answered, and the range's length before", () => {
    expect(chartWindow("1h", { from: 5, to: 10 })).toEqual({ from: 5, to: 10 });
    expect(chartWindow("1h")).toEqual({ from: 0, to: 3_600_000 });
  });
});
