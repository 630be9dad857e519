"use client";
// Hooks for a job's runtime settings and dead letters (issue 3). Keys sit under ['jobs', id], so
// invalidating a job refreshes these too.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DeadLetterDto, JobDto, ListDto, UpdateJobInput } from "@/lib/contracts/jobs";
import { apiFetch, type ApiError } from "./api-fetch";
import { queryKeys, refetch } from "./query-keys";

export const jobDeadLettersKey = (id: string, limit: number) => ["jobs", id, "dead-letters", { limit }] as const;

export const jobDeadLettersQuery = (id: string, limit = 20) =>
  queryOptions({
    queryKey: jobDeadLettersKey(id, limit),
    queryFn: () => apiFetch<ListDto<DeadLetterDto>>(`/api/jobs/${encodeURIComponent(id)}/dead-letters?limit=${limit}`).then((r) => r.items),
    refetchInterval: refetch.liveMs,
  });

export const useJobDeadLettersQuery = (id: string, limit?: number, enabled = true) => useQuery({ ...jobDeadLettersQuery(id, limit), enabled });

/** PATCH a stopped job's settings; the job page refreshes from the answer. */
export function useUpdateJobMutation(id: string) {
  const client = useQueryClient();
  return useMutation<JobDto, ApiError, UpdateJobInput>({
    mutationFn: (input) => apiFetch<JobDto>(`/api/jobs/${encodeURIComponent(id)}`, { method: "PATCH", json: input }),
    onSuccess: (job) => {
      client.setQueryData(queryKeys.job(id), job);
      return client.invalidateQueries({ queryKey: queryKeys.jobs() });
    },
  });
}
