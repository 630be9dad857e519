"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ListDto } from "@/lib/contracts/jobs";
import type { AppliedResetDto, ResetOptionsDto, ResetPlanDto } from "@/lib/contracts/resets";
import { apiFetch } from "./api-fetch";
import { queryKeys } from "./query-keys";

export interface ResetBody {
  mode: ResetPlanDto["mode"];
  value?: number | string;
  targets?: { topic: string; partition: number; offset: number }[];
  partitions?: { topic: string; partition: number }[];
  results: ResetPlanDto["results"];
  reason?: string;
}

export const useResetsQuery = (jobId: string) =>
  useQuery({
    queryKey: [...queryKeys.job(jobId), "resets"],
    queryFn: () => apiFetch<ListDto<AppliedResetDto>>(`/api/jobs/${encodeURIComponent(jobId)}/resets?limit=20`).then((r) => r.items),
  });

/** What a reset of this job can do with its results: rollback, clear, and what re-reading does. */
export const useResetOptionsQuery = (jobId: string) =>
  useQuery({
    queryKey: [...queryKeys.job(jobId), "reset-options"],
    queryFn: () => apiFetch<ResetOptionsDto>(`/api/jobs/${encodeURIComponent(jobId)}/offsets/reset`),
  });

export function usePreviewResetMutation(jobId: string) {
  return useMutation({
    mutationFn: (body: ResetBody) => apiFetch<ResetPlanDto>(`/api/jobs/${encodeURIComponent(jobId)}/offsets/reset`, { method: "POST", json: { ...body, dryRun: true } }),
  });
}

/** Applies exactly the previewed plan; the server refuses (PLAN_STALE) if it no longer holds. */
export function useApplyResetMutation(jobId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ body, preview }: { body: ResetBody; preview: ResetPlanDto }) =>
      apiFetch<AppliedResetDto>(`/api/jobs/${encodeURIComponent(jobId)}/offsets/reset`, {
        method: "POST",
        json: { ...body, dryRun: false, expect: preview.partitions },
      }),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.job(jobId) }), client.invalidateQueries({ queryKey: ["audit"] })]),
  });
}
