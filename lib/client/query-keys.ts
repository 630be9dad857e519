/** Hierarchical keys: invalidating ['jobs', id] refreshes everything on that job's page. */
export const queryKeys = {
  health: () => ["health"] as const,
  me: () => ["me"] as const,
  users: () => ["users"] as const,
  tokens: () => ["tokens"] as const,
  audit: (filter: { targetType?: string; targetId?: string } = {}) => ["audit", filter] as const,
  topics: () => ["topics"] as const,
  jobs: () => ["jobs"] as const,
  job: (id: string) => ["jobs", id] as const,
  jobPartitions: (id: string) => ["jobs", id, "partitions"] as const,
  jobBatches: (id: string, limit: number) => ["jobs", id, "batches", { limit }] as const,
  jobResults: (id: string, limit: number) => ["jobs", id, "results", { limit }] as const,
};

/** Polling and staleness in one place: progress is live, topics change rarely. */
export const refetch = {
  liveMs: 2000,
  slowMs: 15_000,
} as const;
