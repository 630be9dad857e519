import type { LagRangeKey } from "@/lib/client/lag-ranges";
import { rangeMs } from "@/lib/client/lag-ranges";

/**
 * The most lagging partitions are drawn by default, with the rest as one "other partitions" series: their
 * sum when stacked (so the stack still adds up to the total lag), their highest lag when drawn as lines (so a
 * spike among them shows without flattening the others). Eight is also the number of distinct chart colours.
 */
export const TOP_PARTITIONS = 8;
export const OTHER_KEY = "other";

export interface PartitionSeries {
  /** `topic/partition`, what the chips and the tooltip say */
  id: string;
  /** The rows' field: `p<n>`, a plain identifier whatever the topic's name */
  key: string;
  last: number;
  points: { ts: number; lag: number }[];
}

/** Partitions by their latest lag, highest first (ties by name, partition numbers in numeric order). */
export function rankPartitions(partitions: readonly { topic: string; partition: number; points: { ts: number; lag: number }[] }[]): PartitionSeries[] {
  const all = partitions.map((p, i): PartitionSeries => ({ id: `${p.topic}/${p.partition}`, key: `p${i}`, last: p.points.at(-1)?.lag ?? 0, points: p.points }));
  return all.sort((a, b) => b.last - a.last || a.id.localeCompare(b.id, undefined, { numeric: true }));
}

/** Which ranked partitions are drawn: those the user switched on, or by default the TOP_PARTITIONS most lagging. */
export function splitShown(ranked: readonly PartitionSeries[], chosen: ReadonlySet<string> | null): { visible: PartitionSeries[]; hidden: PartitionSeries[] } {
  const on = (s: PartitionSeries, i: number) => (chosen ? chosen.has(s.id) : i < TOP_PARTITIONS);
  return { visible: ranked.filter(on), hidden: ranked.filter((s, i) => !on(s, i)) };
}

/** One row per timestamp: each drawn partition's lag under its key, and the others folded into OTHER_KEY when `other`. */
export function partitionRows(
  visible: readonly PartitionSeries[],
  hidden: readonly PartitionSeries[],
  { other, stacked }: { other: boolean; stacked: boolean },
): Record<string, number>[] {
  const rows = new Map<number, Record<string, number>>();
  const row = (ts: number) => {
    let r = rows.get(ts);
    if (!r) rows.set(ts, (r = { ts }));
    return r;
  };
  for (const s of visible) for (const p of s.points) row(p.ts)[s.key] = p.lag;
  if (other) {
    for (const s of hidden) {
      for (const p of s.points) {
        const r = row(p.ts);
        r[OTHER_KEY] = r[OTHER_KEY] === undefined ? p.lag : stacked ? r[OTHER_KEY] + p.lag : Math.max(r[OTHER_KEY], p.lag);
      }
    }
  }
  return [...rows.values()].sort((a, b) => a.ts - b.ts);
}

export const otherSeriesName = (hidden: number, stacked: boolean) => `other ${hidden} partitions (${stacked ? "sum" : "max"})`;

/** The chart's x window: the server's [from, to]; before the first answer (an empty chart) any window of the range's length. */
export function chartWindow(range: LagRangeKey, data?: { from: number; to: number }) {
  return data ? { from: data.from, to: data.to } : { from: 0, to: rangeMs(range) };
}
