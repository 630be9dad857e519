"use client";
import { useState } from "react";
import { DetailTable } from "@/components/ui/detail-table";
import { formatCount } from "@/components/ui/format";

type Offset = { topic: string; partition: number; offset: number | null };
type ResetDetails = {
  mode: string;
  value: unknown;
  results: string;
  reason: string | null;
  before: Offset[];
  after: Offset[];
  summary?: { reprocessed?: number; skipped?: number; rolledBackBatches?: number; rolledBackRecords?: number };
};

function isResetDetails(action: string, d: Record<string, unknown>): d is Record<string, unknown> & ResetDetails {
  return action === "offsets.reset" && Array.isArray(d.before) && Array.isArray(d.after);
}

/**
 * An audit entry's details, readable: one line, and on demand all of it (an offset reset as a
 * before/after table per partition, anything else as indented JSON). Always text, never HTML.
 */
export function AuditDetails({ action, details }: { action: string; details: Record<string, unknown> }) {
  const [open, setOpen] = useState(false);
  const reset = isResetDetails(action, details) ? details : null;
  const line = reset ? resetLine(reset) : JSON.stringify(details);
  return (
    <div>
      <button type="button" className="group flex w-full items-start gap-1.5 text-left" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="mt-px text-slate-400 group-hover:text-slate-700">{open ? "▾" : "▸"}</span>
        <code className={`text-xs text-slate-600 ${reset ? "break-words" : "break-all"} ${open ? "" : "line-clamp-2"}`}>{line}</code>
      </button>
      {open &&
        (reset ? (
          <ResetTable details={reset} />
        ) : (
          <pre className="mt-1.5 max-h-80 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap text-slate-700">{JSON.stringify(details, null, 2)}</pre>
        ))}
    </div>
  );
}

function resetLine(d: ResetDetails): string {
  const parts = [`${d.mode}${d.value !== null && d.value !== undefined ? ` ${String(d.value)}` : ""}`, `results ${d.results}`, `${d.after.length} partition${d.after.length === 1 ? "" : "s"}`];
  if (d.summary?.reprocessed) parts.push(`${formatCount(d.summary.reprocessed)} again`);
  if (d.summary?.skipped) parts.push(`${formatCount(d.summary.skipped)} skipped`);
  if (d.summary?.rolledBackBatches) parts.push(`${formatCount(d.summary.rolledBackBatches)} batches rolled back`);
  if (d.reason) parts.push(`“${d.reason}”`);
  return parts.join(" · ");
}

const RESET_COLUMNS = [
  { label: "Partition", className: "py-0.5 pr-5" },
  { label: "Before", className: "num py-0.5 pr-5 text-right" },
  { label: "After", className: "num py-0.5 text-right" },
];

function ResetTable({ details }: { details: ResetDetails }) {
  const before = new Map(details.before.map((b) => [`${b.topic}:${b.partition}`, b.offset]));
  return (
    <DetailTable className="mt-1.5 ml-4 w-auto border-collapse text-xs" label="Offsets before and after" columns={RESET_COLUMNS}>
      {details.after.map((a) => (
        <tr key={`${a.topic}:${a.partition}`} className="border-t border-slate-100" data-testid="audit-partition">
          <td className="py-0.5 pr-5 font-mono">
            {a.topic}/{a.partition}
          </td>
          <td className="num py-0.5 pr-5 text-right">{formatCount(before.get(`${a.topic}:${a.partition}`))}</td>
          <td className="num py-0.5 text-right font-medium">{formatCount(a.offset)}</td>
        </tr>
      ))}
    </DetailTable>
  );
}
