import { queryOptions } from "@tanstack/react-query";
import type { HealthDto } from "@/lib/contracts/jobs";
import { apiFetch } from "../api-fetch";
import { queryKeys, refetch } from "../query-keys";

export const healthQuery = () =>
  queryOptions({ queryKey: queryKeys.health(), queryFn: () => apiFetch<HealthDto>("/api/health"), refetchInterval: refetch.slowMs });
