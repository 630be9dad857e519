import type { HTMLAttributes, TdHTMLAttributes, ThHTMLAttributes } from "react";
import { cn } from "./cn";

export function Table({ className, ...props }: HTMLAttributes<HTMLTableElement>) {
  return (
    <div className="overflow-x-auto">
      <table className={cn("w-full border-collapse text-sm", className)} {...props} />
    </div>
  );
}

export function Th({ className, numeric, ...props }: ThHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return (
    <th
      scope="col"
      className={cn(
        "border-b border-slate-200 bg-slate-50 px-4 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500",
        numeric && "text-right whitespace-nowrap",
        className,
      )}
      {...props}
    />
  );
}

export function Td({ className, numeric, ...props }: TdHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return <td className={cn("border-b border-slate-100 px-4 py-2 align-middle", numeric && "num text-right whitespace-nowrap", className)} {...props} />;
}

/** The cell that names a row's partition, as "topic/partition". */
export function PartitionCell({ topic, partition }: { topic: string; partition: number }) {
  return (
    <Td className="font-mono text-xs">
      {topic}/{partition}
    </Td>
  );
}

/** A header cell: its text, or its text with numeric alignment, extra classes, or a text only screen readers hear. */
export type Column = string | { label: string; numeric?: boolean; className?: string; srOnly?: boolean };

/** A right-aligned header cell for a column of numbers. */
export function numeric(label: string): Column {
  return { label, numeric: true };
}

/** A table's header row, one scoped header cell a column. */
export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, i) => {
          const { label, numeric: isNumeric, className, srOnly } = typeof column === "string" ? { label: column } : column;
          return (
            <Th key={i} numeric={isNumeric} className={className}>
              {srOnly ? <span className="sr-only">{label}</span> : label}
            </Th>
          );
        })}
      </tr>
    </thead>
  );
}
