"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateJobInput, JobDto } from "@/lib/contracts/jobs";
import { apiFetch, type ApiError } from "./api-fetch";
import { jobBatchesQuery, jobPartitionsQuery, jobQuery, jobResultsQuery, jobsQuery, topicsQuery } from "./queries";
import { queryKeys } from "./query-keys";

export const useJobsQuery = () => useQuery(jobsQuery());
export const useJobQuery = (id: string) => useQuery(jobQuery(id));
export const useJobPartitionsQuery = (id: string) => useQuery(jobPartitionsQuery(id));
export const useJobBatchesQuery = (id: string, limit?: number) => useQuery(jobBatchesQuery(id, limit));
export const useJobResultsQuery = (id: string, limit?: number) => useQuery(jobResultsQuery(id, limit));
export const useTopicsQuery = () => useQuery(topicsQuery());

export function useCreateJobMutation() {
  const client = useQueryClient();
  return useMutation<JobDto, ApiError, CreateJobInput>({
    mutationFn: (input) => apiFetch<JobDto>("/api/jobs", { method: "POST", json: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.jobs() }),
  });
}

/** Start or stop: the server records the wish, the runtime acts on it within a moment. */
export function useJobActionMutation(id: string) {
  const client = useQueryClient();
  return useMutation<JobDto, ApiError, "start" | "stop">({
    mutationFn: (action) => apiFetch<JobDto>(`/api/jobs/${encodeURIComponent(id)}/${action}`, { method: "POST" }),
    onSuccess: (job) => {
      client.setQueryData(queryKeys.job(id), job);
      return client.invalidateQueries({ queryKey: queryKeys.jobs() });
    },
  });
}

export function useDeleteJobMutation(id: string) {
  const client = useQueryClient();
  return useMutation<void, ApiError, void>({
    mutationFn: () => apiFetch<void>(`/api/jobs/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.jobs() }),
  });
}
