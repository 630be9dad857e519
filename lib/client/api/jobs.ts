"use client";
// Jobs: their queries, hooks and mutations. Every key is a job's id (never its name) under ['jobs', id],
// so one invalidation of queryKeys.job(id) refreshes the whole job page.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { BatchDto, CreateJobInput, DeadLetterDto, JobDto, ListDto, PartitionProgressDto, UpdateJobInput } from "@/lib/contracts/jobs";
import type { ResultRowDto } from "@/lib/contracts/processors";
import type { AppliedResetDto, ResetChoice, ResetOptionsDto, ResetPlanDto } from "@/lib/contracts/resets";
import { apiFetch, type ApiError } from "../api-fetch";
import { queryKeys, refetch } from "../query-keys";

const enc = encodeURIComponent;

export const jobsQuery = () =>
  queryOptions({
    queryKey: queryKeys.jobs(),
    queryFn: () => apiFetch<ListDto<JobDto>>("/api/jobs").then((r) => r.items),
    refetchInterval: refetch.liveMs,
  });

export const jobQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.job(id), queryFn: () => apiFetch<JobDto>(`/api/jobs/${enc(id)}`), refetchInterval: refetch.liveMs });

/** A job page's address may name the job: this finds its id once, outside the ['jobs', id] tree. */
export const jobLookupQuery = (idOrName: string) =>
  queryOptions({ queryKey: queryKeys.jobLookup(idOrName), queryFn: () => apiFetch<JobDto>(`/api/jobs/${enc(idOrName)}`), staleTime: Infinity });

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

/** A page of the job's results (columns: its processor's, from GET /api/processors); `after` is the previous page's `next`. */
export const jobResultsQuery = (id: string, limit = 20, after: string | null = null) =>
  queryOptions({
    queryKey: queryKeys.jobResults(id, limit, after),
    queryFn: () => apiFetch<ListDto<ResultRowDto>>(`/api/jobs/${enc(id)}/results?limit=${limit}${after ? `&after=${enc(after)}` : ""}`),
    refetchInterval: refetch.liveMs,
  });

export const jobDeadLettersQuery = (id: string, limit = 20) =>
  queryOptions({
    queryKey: queryKeys.jobDeadLetters(id, limit),
    queryFn: () => apiFetch<ListDto<DeadLetterDto>>(`/api/jobs/${enc(id)}/dead-letters?limit=${limit}`).then((r) => r.items),
    refetchInterval: refetch.liveMs,
  });

export const jobResetsQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.jobResets(id),
    queryFn: () => apiFetch<ListDto<AppliedResetDto>>(`/api/jobs/${enc(id)}/resets?limit=20`).then((r) => r.items),
  });

/** What a reset of this job can do with its results: rollback, clear, and what re-reading does. */
export const jobResetOptionsQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.jobResetOptions(id), queryFn: () => apiFetch<ResetOptionsDto>(`/api/jobs/${enc(id)}/offsets/reset`) });

export const useJobsQuery = () => useQuery(jobsQuery());
export const useJobLookupQuery = (idOrName: string) => useQuery(jobLookupQuery(idOrName));
export const useJobPartitionsQuery = (id: string) => useQuery(jobPartitionsQuery(id));
export const useJobBatchesQuery = (id: string, limit?: number) => useQuery(jobBatchesQuery(id, limit));
export const useJobResultsQuery = (id: string, limit?: number, after: string | null = null) => useQuery(jobResultsQuery(id, limit, after));
export const useJobDeadLettersQuery = (id: string, limit?: number, enabled = true) => useQuery({ ...jobDeadLettersQuery(id, limit), enabled });
export const useResetsQuery = (id: string) => useQuery(jobResetsQuery(id));
export const useResetOptionsQuery = (id: string) => useQuery(jobResetOptionsQuery(id));

/**
 * The job a page's address names (its id or its name), then kept live under its id: what mutations
 * write and invalidate (queryKeys.job(id)) is what the page reads.
 */
export function useJobQuery(idOrName: string) {
  const lookup = useQuery(jobLookupQuery(idOrName));
  const found = lookup.data;
  const live = useQuery({ ...jobQuery(found?.id ?? ""), enabled: found !== undefined, initialData: found });
  return found ? live : lookup;
}

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
    mutationFn: (action) => apiFetch<JobDto>(`/api/jobs/${enc(id)}/${action}`, { method: "POST" }),
    onSuccess: (job) => {
      client.setQueryData(queryKeys.job(job.id), job);
      return client.invalidateQueries({ queryKey: queryKeys.jobs() });
    },
  });
}

export function useDeleteJobMutation(id: string) {
  const client = useQueryClient();
  return useMutation<void, ApiError, void>({
    mutationFn: () => apiFetch<void>(`/api/jobs/${enc(id)}`, { method: "DELETE" }),
    onSuccess: () => {
      // A new job may take the deleted one's name: its address must not lead to the old id.
      client.removeQueries({ queryKey: queryKeys.jobLookups() });
      return client.invalidateQueries({ queryKey: queryKeys.jobs() });
    },
  });
}

/** PATCH a stopped job's settings; the job page refreshes from the answer. */
export function useUpdateJobMutation(id: string) {
  const client = useQueryClient();
  return useMutation<JobDto, ApiError, UpdateJobInput>({
    mutationFn: (input) => apiFetch<JobDto>(`/api/jobs/${enc(id)}`, { method: "PATCH", json: input }),
    onSuccess: (job) => {
      client.setQueryData(queryKeys.job(job.id), job);
      return client.invalidateQueries({ queryKey: queryKeys.jobs() });
    },
  });
}

export function usePreviewResetMutation(id: string) {
  return useMutation<ResetPlanDto, ApiError, ResetChoice>({
    mutationFn: (choice) => apiFetch<ResetPlanDto>(`/api/jobs/${enc(id)}/offsets/reset`, { method: "POST", json: { ...choice, dryRun: true } }),
  });
}

/** Applies exactly the previewed plan; the server refuses (PLAN_STALE) if it no longer holds. */
export function useApplyResetMutation(id: string) {
  const client = useQueryClient();
  return useMutation<AppliedResetDto, ApiError, { choice: ResetChoice; preview: ResetPlanDto }>({
    mutationFn: ({ choice, preview }) =>
      apiFetch<AppliedResetDto>(`/api/jobs/${enc(id)}/offsets/reset`, { method: "POST", json: { ...choice, dryRun: false, expect: preview.partitions } }),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.job(id) }), client.invalidateQueries({ queryKey: queryKeys.audits() })]),
  });
}
