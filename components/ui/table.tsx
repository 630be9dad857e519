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
