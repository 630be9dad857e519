"use client";
// Processors: built-in and processors-folder ones, with their config schema and result columns.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ListDto } from "@/lib/contracts/jobs";
import type { ProcessorDto } from "@/lib/contracts/processors";
import { apiFetch } from "../api-fetch";
import { queryKeys, refetch } from "../query-keys";

/** Loaded once at the server's start: they change only with a restart. */
export const processorsQuery = () =>
  queryOptions({
    queryKey: queryKeys.processors(),
    queryFn: () => apiFetch<ListDto<ProcessorDto>>("/api/processors").then((r) => r.items),
    staleTime: refetch.slowMs,
  });

export const useProcessorsQuery = () => useQuery(processorsQuery());

/** One processor's description, or undefined while loading or when the server has no such processor. */
export function useProcessor(name: string): ProcessorDto | undefined {
  return useProcessorsQuery().data?.find((p) => p.name === name);
}
