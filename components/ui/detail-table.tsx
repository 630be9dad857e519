import type { ReactNode } from "react";
import { cn } from "./cn";

export interface DetailColumn {
  label: string;
  /** Padding and alignment of the header cell */
  className?: string;
}

/** A small table inside an opened row or entry (deliveries of an alert, offsets before and after): muted headers, the caller's rows. */
export function DetailTable({ label, columns, className, children }: { label: string; columns: DetailColumn[]; className?: string; children: ReactNode }) {
  return (
    <table className={className} aria-label={label}>
      <thead>
        <tr className="text-left text-slate-500">
          {columns.map((c) => (
            <th key={c.label} className={cn(c.className, "font-medium")}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
