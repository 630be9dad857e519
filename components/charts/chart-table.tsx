"use client";
import { useId, useState } from "react";
import { formatTooltipTime } from "./format";

/** What a chart draws, as data: its series and rows, for the text alternative. */
export interface ChartTableData {
  series: { key: string; name: string }[];
  rows: Record<string, unknown>[];
  format: (v: number) => string;
}

/** Rows shown at most: the newest, since a chart's window may hold thousands of samples. */
const MAX_ROWS = 50;
/** Series named in the latest-values line; a chart of many partitions lists the rest in its table. */
const MAX_LATEST = 6;

function cell(value: unknown, format: (v: number) => string): string {
  if (typeof value === "number" && Number.isFinite(value)) return format(value);
  // A band series holds [low, high].
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "number")) return `${format(value[0])}–${format(value[1])}`;
  return "—";
}

/** The latest values in words, e.g. "Latest (4 Dec, 10:31:05): lag (avg) 120, time lag 3s". */
export function latestValuesText({ series, rows, format }: ChartTableData): string {
  const last = rows[rows.length - 1];
  if (!last) return "No samples yet.";
  const shown = series.slice(0, MAX_LATEST).map((s) => `${s.name} ${cell(last[s.key], format)}`);
  const more = series.length > MAX_LATEST ? ` and ${series.length - MAX_LATEST} more in the table` : "";
  return `Latest (${formatTooltipTime(last.ts as number)}): ${shown.join(", ")}${more}.`;
}

/**
 * A chart's text alternative: its latest values, always in the text, and a "Show as table" toggle with the
 * newest rows, so the figures are there for a screen reader and without telling series apart by colour.
 */
export function ChartTable({ label, data }: { label: string; data: ChartTableData }) {
  const [open, setOpen] = useState(false);
  const tableId = useId();
  const rows = data.rows.slice(-MAX_ROWS).reverse();
  return (
    <div className="px-1 text-xs text-slate-500">
      <div className="flex flex-wrap items-baseline gap-x-3">
        <p className="num">{latestValuesText(data)}</p>
        {data.rows.length > 0 && (
          <button type="button" className="ml-auto text-sky-800 underline-offset-2 hover:underline" aria-expanded={open} aria-controls={tableId} onClick={() => setOpen(!open)}>
            {open ? "Hide table" : "Show as table"}
          </button>
        )}
      </div>
      {open && (
        // Focusable, so the scrolled table can be scrolled with the keyboard.
        <div id={tableId} tabIndex={0} role="region" aria-label={`${label}, as a table`} className="mt-1 max-h-64 overflow-auto rounded border border-slate-200">
          <table className="w-full border-collapse text-xs text-slate-700">
            <caption className="sr-only">
              {label}: the newest {rows.length} of {data.rows.length} samples
            </caption>
            <thead>
              <tr>
                <th scope="col" className="sticky top-0 bg-slate-50 px-2 py-1 text-left font-medium">
                  Time
                </th>
                {data.series.map((s) => (
                  <th key={s.key} scope="col" className="sticky top-0 bg-slate-50 px-2 py-1 text-right font-medium">
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.ts as number} className="border-t border-slate-100">
                  <th scope="row" className="num px-2 py-0.5 text-left font-normal whitespace-nowrap">
                    {formatTooltipTime(row.ts as number)}
                  </th>
                  {data.series.map((s) => (
                    <td key={s.key} className="num px-2 py-0.5 text-right whitespace-nowrap">
                      {cell(row[s.key], data.format)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
