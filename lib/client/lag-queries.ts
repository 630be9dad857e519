import { queryOptions } from "@tanstack/react-query";
import type { BatchDto, ListDto } from "@/lib/contracts/jobs";
import type { BatchSeriesDto, GroupDetailDto, GroupSummaryDto, LagEvaluationDto, LagSeriesDto, OverviewDto, TopicDetailDto } from "@/lib/contracts/lag";
import { apiFetch } from "./api-fetch";
import { queryKeys, refetch } from "./query-keys";

const enc = encodeURIComponent;

/** The range picker's choices. The key holds the range's name; `from` is computed at each fetch, so the window slides. */
export const lagRanges = [
  { key: "15m", label: "15m", ms: 15 * 60_000 },
  { key: "1h", label: "1h", ms: 3_600_000 },
  { key: "6h", label: "6h", ms: 6 * 3_600_000 },
  { key: "24h", label: "24h", ms: 24 * 3_600_000 },
  { key: "7d", label: "7d", ms: 7 * 24 * 3_600_000 },
] as const;
export type LagRangeKey = (typeof lagRanges)[number]["key"];

export function rangeMs(key: LagRangeKey): number {
  return lagRanges.find((r) => r.key === key)!.ms;
}

const fromParam = (range: LagRangeKey) => `from=${Date.now() - rangeMs(range)}`;

export const jobLagQuery = (id: string, range: LagRangeKey, partition: "all" | null = null, points = 500) =>
  queryOptions({
    queryKey: queryKeys.jobLag(id, range, partition ? `${partition}:${points}` : null),
    queryFn: () => apiFetch<LagSeriesDto>(`/api/jobs/${enc(id)}/lag?${fromParam(range)}&points=${points}${partition ? `&partition=${partition}` : ""}`),
    refetchInterval: refetch.chartMs,
    placeholderData: (previous) => previous,
  });

export const jobLagStatusQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.jobLagStatus(id),
    queryFn: () => apiFetch<LagEvaluationDto>(`/api/jobs/${enc(id)}/status`),
    refetchInterval: refetch.chartMs,
  });

export const jobBatchSeriesQuery = (id: string, range: LagRangeKey) =>
  queryOptions({
    queryKey: queryKeys.jobBatchSeries(id, range),
    queryFn: () => apiFetch<BatchSeriesDto>(`/api/jobs/${enc(id)}/batches/series?${fromParam(range)}&points=300`),
    refetchInterval: refetch.chartMs,
    placeholderData: (previous) => previous,
  });

export const jobBatchQuery = (id: string, batchId: number) =>
  queryOptions({ queryKey: queryKeys.jobBatch(id, batchId), queryFn: () => apiFetch<BatchDto>(`/api/jobs/${enc(id)}/batches/${batchId}`) });

export const overviewQuery = () =>
  queryOptions({ queryKey: queryKeys.overview(), queryFn: () => apiFetch<OverviewDto>("/api/overview"), refetchInterval: refetch.chartMs });

export const groupsQuery = () =>
  queryOptions({
    queryKey: queryKeys.groups(),
    queryFn: () => apiFetch<ListDto<GroupSummaryDto>>("/api/groups").then((r) => r.items),
    refetchInterval: refetch.chartMs,
  });

export const groupQuery = (group: string) =>
  queryOptions({ queryKey: queryKeys.group(group), queryFn: () => apiFetch<GroupDetailDto>(`/api/groups/${enc(group)}`), refetchInterval: refetch.chartMs });

export const groupLagQuery = (group: string, range: LagRangeKey) =>
  queryOptions({
    queryKey: queryKeys.groupLag(group, range),
    queryFn: () => apiFetch<LagSeriesDto>(`/api/groups/${enc(group)}/lag?${fromParam(range)}`),
    refetchInterval: refetch.chartMs,
    placeholderData: (previous) => previous,
  });

export const topicQuery = (topic: string) =>
  queryOptions({ queryKey: queryKeys.topic(topic), queryFn: () => apiFetch<TopicDetailDto>(`/api/topics/${enc(topic)}`), refetchInterval: refetch.chartMs });
