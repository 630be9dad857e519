import { queryOptions } from "@tanstack/react-query";
import type { BatchDto, HealthDto, JobDto, KeyCountDto, ListDto, PartitionProgressDto, TopicDto } from "@/lib/contracts/jobs";
import { apiFetch } from "./api-fetch";
import { queryKeys, refetch } from "./query-keys";

const enc = encodeURIComponent;

export const healthQuery = () =>
  queryOptions({ queryKey: queryKeys.health(), queryFn: () => apiFetch<HealthDto>("/api/health"), refetchInterval: refetch.slowMs });

export const topicsQuery = () =>
  queryOptions({
    queryKey: queryKeys.topics(),
    queryFn: () => apiFetch<ListDto<TopicDto>>("/api/topics").then((r) => r.items),
    staleTime: refetch.slowMs,
  });

export const jobsQuery = () =>
  queryOptions({
    queryKey: queryKeys.jobs(),
    queryFn: () => apiFetch<ListDto<JobDto>>("/api/jobs").then((r) => r.items),
    refetchInterval: refetch.liveMs,
  });

export const jobQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.job(id), queryFn: () => apiFetch<JobDto>(`/api/jobs/${enc(id)}`), refetchInterval: refetch.liveMs });

export const jobPartitionsQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.jobPartitions(id),
    queryFn: () => apiFetch<ListDto<PartitionProgressDto>>(`/api/jobs/${enc(id)}/partitions`).then((r) => r.items),
    refetchInterval: refetch.liveMs,
  });

export const jobBatchesQuery = (id: string, limit = 20) =>
  queryOptions({
    queryKey: queryKeys.jobBatches(id, limit),
    queryFn: () => apiFetch<ListDto<BatchDto>>(`/api/jobs/${enc(id)}/batches?limit=${limit}`).then((r) => r.items),
    refetchInterval: refetch.liveMs,
  });

export const jobResultsQuery = (id: string, limit = 20) =>
  queryOptions({
    queryKey: queryKeys.jobResults(id, limit),
    queryFn: () => apiFetch<ListDto<KeyCountDto>>(`/api/jobs/${enc(id)}/results?limit=${limit}`).then((r) => r.items),
    refetchInterval: refetch.liveMs,
  });
