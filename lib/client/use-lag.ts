"use client";
import { useQuery } from "@tanstack/react-query";
import {
  groupLagQuery,
  groupQuery,
  groupsQuery,
  jobBatchQuery,
  jobBatchSeriesQuery,
  jobLagQuery,
  jobLagStatusQuery,
  overviewQuery,
  topicQuery,
  type LagRangeKey,
} from "./lag-queries";

export const useJobLagQuery = (id: string, range: LagRangeKey, partition: "all" | null = null, points?: number) => useQuery(jobLagQuery(id, range, partition, points));
export const useJobLagStatusQuery = (id: string) => useQuery(jobLagStatusQuery(id));
export const useJobBatchSeriesQuery = (id: string, range: LagRangeKey) => useQuery(jobBatchSeriesQuery(id, range));
export const useJobBatchQuery = (id: string, batchId: number) => useQuery(jobBatchQuery(id, batchId));
export const useOverviewQuery = () => useQuery(overviewQuery());
export const useGroupsQuery = () => useQuery(groupsQuery());
export const useGroupQuery = (group: string) => useQuery(groupQuery(group));
export const useGroupLagQuery = (group: string, range: LagRangeKey) => useQuery(groupLagQuery(group, range));
export const useTopicQuery = (topic: string) => useQuery(topicQuery(topic));
