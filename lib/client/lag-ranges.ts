/** The range picker's choices. The key holds the range's name; `from` is computed at each fetch, so the window slides. */
export const lagRanges = [
  { key: "15m", label: "15m", ms: 15 * 60_000 },
  { key: "1h", label: "1h", ms: 3_600_000 },
  { key: "6h", label: "6h", ms: 6 * 3_600_000 },
  { key: "24h", label: "24h", ms: 24 * 3_600_000 },
  { key: "7d", label: "7d", ms: 7 * 24 * 3_600_000 },
] as const;
export type LagRangeKey = (typeof lagRanges)[number]["key"];

export function rangeMs(key: LagRangeKey): number {
  return lagRanges.find((r) => r.key === key)!.ms;
}
