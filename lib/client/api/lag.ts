"use client";
// Lag and throughput: a job's charts and status, the overview, consumer groups. Job keys sit under ['jobs', id].
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { BatchDto, ListDto } from "@/lib/contracts/jobs";
import type { BatchSeriesDto, GroupDetailDto, GroupSummaryDto, LagEvaluationDto, LagSeriesDto, OverviewDto } from "@/lib/contracts/lag";
import { apiFetch } from "../api-fetch";
import { rangeMs, type LagRangeKey } from "../lag-ranges";
import { queryKeys, refetch } from "../query-keys";

const enc = encodeURIComponent;

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

export const useJobLagQuery = (id: string, range: LagRangeKey, partition: "all" | null = null, points?: number) => useQuery(jobLagQuery(id, range, partition, points));
export const useJobLagStatusQuery = (id: string) => useQuery(jobLagStatusQuery(id));
export const useJobBatchSeriesQuery = (id: string, range: LagRangeKey) => useQuery(jobBatchSeriesQuery(id, range));
export const useJobBatchQuery = (id: string, batchId: number, enabled = true) => useQuery({ ...jobBatchQuery(id, batchId), enabled });
export const useOverviewQuery = () => useQuery(overviewQuery());
export const useGroupsQuery = () => useQuery(groupsQuery());
export const useGroupQuery = (group: string) => useQuery(groupQuery(group));
export const useGroupLagQuery = (group: string, range: LagRangeKey) => useQuery(groupLagQuery(group, range));
