"use client";
import { Progress } from "radix-ui";

/** Share of the log the job has read, as an accessible progress bar. */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, value));
  return (
    <Progress.Root value={pct} max={100} aria-label={label} className="relative h-1.5 w-full overflow-hidden rounded-full bg-slate-200">
      <Progress.Indicator className="h-full bg-sky-600 transition-[width] duration-500" style={{ width: `${pct}%` }} />
    </Progress.Root>
  );
}
