"use client";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  AlertChannelDto,
  ChannelTestResultDto,
  CreateAlertChannelInput,
  UpdateAlertChannelInput,
} from "@/lib/contracts/alert-channels";
import type {
  ActiveAlertDto,
  AlertEventDto,
  AlertRuleDto,
  AlertSilenceDto,
  CreateAlertRuleInput,
  CreateAlertSilenceInput,
  UpdateAlertRuleInput,
} from "@/lib/contracts/alerts";
import type { ListDto } from "@/lib/contracts/jobs";
import { apiFetch, type ApiError } from "../api-fetch";
import { queryKeys, refetch } from "../query-keys";

const enc = encodeURIComponent;

export const activeAlertsQuery = () =>
  queryOptions({
    queryKey: queryKeys.alertActive(),
    queryFn: () => apiFetch<ListDto<ActiveAlertDto>>("/api/alerts/active").then((r) => r.items),
    refetchInterval: refetch.liveMs,
  });

export const useActiveAlertsQuery = () => useQuery(activeAlertsQuery());

export const useAlertRulesQuery = () =>
  useQuery({
    queryKey: queryKeys.alertRules(),
    queryFn: () => apiFetch<ListDto<AlertRuleDto>>("/api/alerts/rules").then((r) => r.items),
    refetchInterval: refetch.liveMs,
  });

export const useAlertChannelsQuery = () =>
  useQuery({
    queryKey: queryKeys.alertChannels(),
    queryFn: () => apiFetch<ListDto<AlertChannelDto>>("/api/alerts/channels").then((r) => r.items),
    refetchInterval: refetch.slowMs,
  });

export const useAlertSilencesQuery = () =>
  useQuery({
    queryKey: queryKeys.alertSilences(),
    queryFn: () => apiFetch<ListDto<AlertSilenceDto>>("/api/alerts/silences").then((r) => r.items),
    refetchInterval: refetch.slowMs,
  });

export const useAlertEventsQuery = (limit = 50) =>
  useQuery({
    queryKey: queryKeys.alertEvents(limit),
    queryFn: () => apiFetch<ListDto<AlertEventDto>>(`/api/alerts/events?limit=${limit}`).then((r) => r.items),
    refetchInterval: refetch.liveMs,
  });

function useAlertsMutation<T, V>(fn: (v: V) => Promise<T>) {
  const client = useQueryClient();
  return useMutation<T, ApiError, V>({ mutationFn: fn, onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.alerts() }) });
}

export const useCreateAlertRuleMutation = () => useAlertsMutation((input: CreateAlertRuleInput) => apiFetch<AlertRuleDto>("/api/alerts/rules", { method: "POST", json: input }));

export const useUpdateAlertRuleMutation = () =>
  useAlertsMutation(({ id, ...input }: UpdateAlertRuleInput & { id: string }) => apiFetch<AlertRuleDto>(`/api/alerts/rules/${enc(id)}`, { method: "PATCH", json: input }));

export const useDeleteAlertRuleMutation = () => useAlertsMutation((id: string) => apiFetch<void>(`/api/alerts/rules/${enc(id)}`, { method: "DELETE" }));

export const useCreateAlertChannelMutation = () =>
  useAlertsMutation((input: CreateAlertChannelInput) => apiFetch<AlertChannelDto>("/api/alerts/channels", { method: "POST", json: input }));

export const useUpdateAlertChannelMutation = () =>
  useAlertsMutation(({ id, ...input }: UpdateAlertChannelInput & { id: string }) => apiFetch<AlertChannelDto>(`/api/alerts/channels/${enc(id)}`, { method: "PATCH", json: input }));

export const useDeleteAlertChannelMutation = () => useAlertsMutation((id: string) => apiFetch<void>(`/api/alerts/channels/${enc(id)}`, { method: "DELETE" }));

export const useTestAlertChannelMutation = () =>
  useAlertsMutation((id: string) => apiFetch<ChannelTestResultDto>(`/api/alerts/channels/${enc(id)}/test`, { method: "POST" }));

export const useCreateAlertSilenceMutation = () =>
  useAlertsMutation((input: CreateAlertSilenceInput) => apiFetch<AlertSilenceDto>("/api/alerts/silences", { method: "POST", json: input }));

export const useExpireAlertSilenceMutation = () => useAlertsMutation((id: string) => apiFetch<AlertSilenceDto>(`/api/alerts/silences/${enc(id)}`, { method: "DELETE" }));
