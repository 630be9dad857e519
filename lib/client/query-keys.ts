/** The one key factory. Hierarchical: invalidating ['jobs', id] refreshes everything on that job's page. */
export const queryKeys = {
  health: () => ["health"] as const,
  me: () => ["me"] as const,
  users: () => ["users"] as const,
  tokens: () => ["tokens"] as const,
  audits: () => ["audit"] as const,
  audit: (filter: { targetType?: string; targetId?: string } = {}) => ["audit", filter] as const,
  topics: () => ["topics"] as const,
  processors: () => ["processors"] as const,
  jobs: () => ["jobs"] as const,
  job: (id: string) => ["jobs", id] as const,
  /** Name (or id) → job, for pages addressed by name; apart from ['jobs', id] so it never stands for a job. */
  jobLookups: () => ["job-lookup"] as const,
  jobLookup: (idOrName: string) => ["job-lookup", idOrName] as const,
  jobPartitions: (id: string) => ["jobs", id, "partitions"] as const,
  jobBatches: (id: string, limit: number) => ["jobs", id, "batches", { limit }] as const,
  jobResults: (id: string, limit: number, after: string | null = null) => ["jobs", id, "results", { limit, after }] as const,
  jobLag: (id: string, range: string, partition: string | null) => ["jobs", id, "lag", { range, partition }] as const,
  jobLagStatus: (id: string) => ["jobs", id, "lag-status"] as const,
  jobBatchSeries: (id: string, range: string) => ["jobs", id, "batch-series", { range }] as const,
  jobBatch: (id: string, batchId: number) => ["jobs", id, "batch", batchId] as const,
  jobDeadLetters: (id: string, limit: number) => ["jobs", id, "dead-letters", { limit }] as const,
  jobResets: (id: string) => ["jobs", id, "resets"] as const,
  jobResetOptions: (id: string) => ["jobs", id, "reset-options"] as const,
  overview: () => ["overview"] as const,
  instances: () => ["instances"] as const,
  groups: () => ["groups"] as const,
  group: (group: string) => ["groups", group] as const,
  groupLag: (group: string, range: string) => ["groups", group, "lag", { range }] as const,
  topic: (topic: string) => ["topics", topic] as const,
  records: (topic: string | null, partition: number | null, cursor: unknown, limit: number) => ["records", topic, partition, cursor, limit] as const,
  alerts: () => ["alerts"] as const,
  alertRules: () => ["alerts", "rules"] as const,
  alertChannels: () => ["alerts", "channels"] as const,
  alertSilences: () => ["alerts", "silences"] as const,
  alertActive: () => ["alerts", "active"] as const,
  alertEvents: (limit: number) => ["alerts", "events", { limit }] as const,
};

/** Polling and staleness in one place: progress is live, topics change rarely. */
export const refetch = {
  liveMs: 2000,
  slowMs: 15_000,
  /** Lag charts and statuses: new samples arrive every LAG_SAMPLE_INTERVAL_MS (5 s by default). */
  chartMs: 5000,
} as const;
