"use client";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApiTokenDto, AuditEventDto, CreatedApiTokenDto, CreateTokenInput, CreateUserInput, LoginInput, MeDto, Role, UpdateUserInput, UserDto } from "@/lib/contracts/auth";
import type { ListDto } from "@/lib/contracts/jobs";
import { roleAtLeast } from "@/lib/domain/roles";
import { apiFetch } from "../api-fetch";
import { queryKeys, refetch } from "../query-keys";

export const meQuery = () => queryOptions({ queryKey: queryKeys.me(), queryFn: () => apiFetch<MeDto>("/api/auth/me"), staleTime: 30_000 });

export const useMeQuery = () => useQuery(meQuery());

/** Whether the signed-in principal has at least `role` (false while unknown). */
export function useCan(role: Role): boolean {
  const me = useMeQuery();
  return me.data?.user ? roleAtLeast(me.data.user.role, role) : false;
}

export function useLoginMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: LoginInput) => apiFetch<{ user: MeDto["user"] }>("/api/auth/login", { method: "POST", json: input }),
    onSuccess: () => client.invalidateQueries(),
  });
}

export function useLogoutMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<void>("/api/auth/logout", { method: "POST" }),
    onSuccess: () => client.clear(),
  });
}

export const useUsersQuery = () =>
  useQuery({ queryKey: queryKeys.users(), queryFn: () => apiFetch<ListDto<UserDto>>("/api/users").then((r) => r.items) });

export const useTokensQuery = () =>
  useQuery({ queryKey: queryKeys.tokens(), queryFn: () => apiFetch<ListDto<ApiTokenDto>>("/api/tokens").then((r) => r.items) });

export const useAuditQuery = (filter: { targetType?: string; targetId?: string } = {}, limit = 100) =>
  useQuery({
    queryKey: queryKeys.audit(filter),
    queryFn: () => {
      const params = new URLSearchParams({ limit: String(limit), ...filter });
      return apiFetch<ListDto<AuditEventDto>>(`/api/audit?${params}`).then((r) => r.items);
    },
    refetchInterval: refetch.slowMs,
  });

export function useCreateUserMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateUserInput) => apiFetch<UserDto>("/api/users", { method: "POST", json: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.users() }),
  });
}

export function useUpdateUserMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: UpdateUserInput & { id: string }) =>
      apiFetch<UserDto>(`/api/users/${encodeURIComponent(id)}`, { method: "PATCH", json: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.users() }),
  });
}

export function useCreateTokenMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateTokenInput) => apiFetch<CreatedApiTokenDto>("/api/tokens", { method: "POST", json: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.tokens() }),
  });
}

export function useRevokeTokenMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<ApiTokenDto>(`/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.tokens() }),
  });
}
