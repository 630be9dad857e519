"use client";
// Topics: the cluster's topics, one topic's partitions and rates, and a page of its records.
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { ListDto, TopicDto } from "@/lib/contracts/jobs";
import type { TopicDetailDto } from "@/lib/contracts/lag";
import type { RecordPageDto } from "@/lib/contracts/records";
import { apiFetch } from "../api-fetch";
import { queryKeys, refetch } from "../query-keys";

const enc = encodeURIComponent;

export const topicsQuery = () =>
  queryOptions({
    queryKey: queryKeys.topics(),
    queryFn: () => apiFetch<ListDto<TopicDto>>("/api/topics").then((r) => r.items),
    staleTime: refetch.slowMs,
  });

export const topicQuery = (topic: string) =>
  queryOptions({ queryKey: queryKeys.topic(topic), queryFn: () => apiFetch<TopicDetailDto>(`/api/topics/${enc(topic)}`), refetchInterval: refetch.chartMs });

export const useTopicsQuery = () => useQuery(topicsQuery());
export const useTopicQuery = (topic: string) => useQuery(topicQuery(topic));

export type RecordCursor = { offset: number } | { timestamp: string } | null;

export function useRecordsQuery(topic: string | null, partition: number | null, cursor: RecordCursor, limit = 25) {
  return useQuery({
    queryKey: queryKeys.records(topic, partition, cursor, limit),
    enabled: topic !== null && partition !== null,
    placeholderData: keepPreviousData,
    queryFn: () => {
      const params = new URLSearchParams({ limit: String(limit) });
      if (cursor && "offset" in cursor) params.set("offset", String(cursor.offset));
      if (cursor && "timestamp" in cursor) params.set("timestamp", cursor.timestamp);
      return apiFetch<RecordPageDto>(`/api/topics/${encodeURIComponent(topic!)}/partitions/${partition}/records?${params}`);
    },
  });
}
