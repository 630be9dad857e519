import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { ErrorState } from "@/components/ui/states";

/**
 * A panel's charts, or the error of the query behind them. While the query loads the charts show
 * with no data, so the panel keeps its height.
 */
export function ChartArea({ query, errorTitle, className, children }: { query: { isError: boolean; error: unknown }; errorTitle: string; className?: string; children: ReactNode }) {
  if (query.isError) return <ErrorState error={query.error} title={errorTitle} />;
  return <div className={cn("px-2 py-2", className)}>{children}</div>;
}
