"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { RecordPageDto } from "@/lib/contracts/records";
import { apiFetch } from "./api-fetch";

export type RecordCursor = { offset: number } | { timestamp: string } | null;

export function useRecordsQuery(topic: string | null, partition: number | null, cursor: RecordCursor, limit = 25) {
  return useQuery({
    queryKey: ["records", topic, partition, cursor, limit],
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
