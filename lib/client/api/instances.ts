"use client";
// Instances: the Tidemark servers sharing the database, their heartbeats and the jobs each runs.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { InstancesDto } from "@/lib/contracts/instances";
import { apiFetch } from "../api-fetch";
import { queryKeys, refetch } from "../query-keys";

export const instancesQuery = () =>
  queryOptions({ queryKey: queryKeys.instances(), queryFn: () => apiFetch<InstancesDto>("/api/instances"), refetchInterval: refetch.liveMs });

export const useInstancesQuery = () => useQuery(instancesQuery());
