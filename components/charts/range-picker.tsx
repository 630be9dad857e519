"use client";
import { ToggleGroup } from "radix-ui";
import { lagRanges, type LagRangeKey } from "@/lib/client/lag-ranges";

/** 15m / 1h / 6h / 24h / 7d, as a keyboard-reachable segmented control (arrow keys move between options). */
export function RangePicker({ value, onChange, label = "Time range" }: { value: LagRangeKey; onChange: (v: LagRangeKey) => void; label?: string }) {
  return (
    <ToggleGroup.Root
      type="single"
      value={value}
      onValueChange={(v) => v && onChange(v as LagRangeKey)}
      aria-label={label}
      className="inline-flex rounded-md border border-slate-300 bg-white p-0.5"
    >
      {lagRanges.map((r) => (
        <ToggleGroup.Item
          key={r.key}
          value={r.key}
          aria-label={`Last ${r.label}`}
          className="num rounded px-2 py-0.5 text-xs font-medium text-slate-600 hover:text-slate-900 data-[state=on]:bg-slate-800 data-[state=on]:text-white"
        >
          {r.label}
        </ToggleGroup.Item>
      ))}
    </ToggleGroup.Root>
  );
}
