import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="px-6 py-10 text-center">
      <p className="text-sm font-medium text-slate-700">{title}</p>
      {children && <div className="mt-1 text-sm text-slate-500">{children}</div>}
    </div>
  );
}

export function ErrorState({ error, title = "Could not load this" }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="m-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      <p className="font-medium">{title}</p>
      <p className="mt-0.5">{message}</p>
    </div>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return <p className="px-4 py-6 text-sm text-slate-500">{label}</p>;
}

/**
 * What a list backed by a query shows: loading, its error, `empty` when the data is an empty list (or
 * `isEmpty` says so), else `children` with the data.
 */
export function QueryView<T, E>(props: {
  query: UseQueryResult<T, E>;
  errorTitle: string;
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  const { query, empty, isEmpty = (data: T) => Array.isArray(data) && data.length === 0 } = props;
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} title={props.errorTitle} />;
  if (empty !== undefined && isEmpty(query.data)) return empty;
  return props.children(query.data);
}
