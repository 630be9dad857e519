/** Every setting Tidemark reads from the environment, parsed once. Documented in README "Configuration". */
import { z } from "zod";
import { DEFAULT_BATCH_LIMITS, type BatchLimits } from "@/lib/domain/batch-limits";

const DEFAULT_BATCH_RETENTION_DAYS = 30;

const envSchema = z.object({
  DATABASE_URL: z.string().default("file:./data/tidemark.db"),
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(",").map((b) => b.trim()).filter(Boolean) : [])),
  KAFKA_CLIENT_ID: z.string().default("tidemark"),
  TIDEMARK_DEMO: z.enum(["0", "1"]).default("1"),
  TIDEMARK_RUNTIME: z.enum(["0", "1"]).default("1"),
  TIDEMARK_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** Where the job runtime runs: a worker thread of the server, a child process, or on the server's own event loop (README). */
  TIDEMARK_RUNTIME_ISOLATION: z.enum(["thread", "process", "inline"]).default("thread"),
  /** Several instances on one PostgreSQL database: a job's lease not renewed for this long goes to another instance (README "Several instances"). */
  TIDEMARK_LEASE_TTL_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  TIDEMARK_MAX_CONCURRENT_BATCHES: z.coerce.number().int().min(1).max(64).default(2),
  /** Limits of a batch for jobs that set none (maxRecordsPerPartition, maxBatchBytes). */
  TIDEMARK_DEFAULT_MAX_RECORDS_PER_PARTITION: z.coerce.number().int().min(1).max(10_000_000).default(DEFAULT_BATCH_LIMITS.maxRecordsPerPartition),
  TIDEMARK_DEFAULT_MAX_BATCH_BYTES: z.coerce.number().int().min(1024).max(1024 ** 3).default(DEFAULT_BATCH_LIMITS.maxBatchBytes),
  /** Fold a job's next batch while one commits (README "Reading ahead during a backlog"); auto: on PostgreSQL only. */
  TIDEMARK_READ_AHEAD: z.enum(["auto", "0", "1"]).default("auto"),
  TIDEMARK_GC_BUFFER_MB: z.coerce.number().int().min(0).max(4096).default(24),
  HOST: z.string().default("127.0.0.1"),
  TIDEMARK_ROLLBACK_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(7),
  /** Finished batches older than this are deleted (the newest 1,000 per job stay); unset: 30, or the rollback retention if longer. */
  TIDEMARK_BATCH_RETENTION_DAYS: z.coerce.number().min(0).max(3650).optional(),
  /** Audit entries older than this many days are deleted (README "Access control"). */
  TIDEMARK_AUDIT_RETENTION_DAYS: z.coerce.number().min(1, "TIDEMARK_AUDIT_RETENTION_DAYS must be at least 1").max(36_500).default(365),
  /** Alert events (with their deliveries) older than this many days are deleted (README "Alerts"). */
  TIDEMARK_ALERT_HISTORY_RETENTION_DAYS: z.coerce.number().min(1, "TIDEMARK_ALERT_HISTORY_RETENTION_DAYS must be at least 1").max(36_500).default(90),
  /** Dead letters older than this are deleted. */
  TIDEMARK_DEAD_LETTER_RETENTION_DAYS: z.coerce.number().min(1, "TIDEMARK_DEAD_LETTER_RETENTION_DAYS must be at least 1").max(36_500).default(30),
  TIDEMARK_ADMIN_USER: z.string().regex(/^[a-z0-9._-]{1,64}$/, "TIDEMARK_ADMIN_USER: 1-64 of a-z 0-9 . _ -").default("admin"),
  TIDEMARK_ADMIN_PASSWORD: z.string().min(8, "TIDEMARK_ADMIN_PASSWORD must have at least 8 characters").optional(),
  TIDEMARK_ADMIN_PASSWORD_HASH: z.string().optional(),
  /** "1": a reverse proxy in front sets X-Forwarded-For/-Host/-Proto, and only it can (README "Access control"). */
  TIDEMARK_TRUST_PROXY: z.enum(["0", "1"]).default("0"),
  TIDEMARK_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(43_200).default(480),
  LAG_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  LAG_RETENTION: z
    .string()
    .default("7d")
    .refine((v) => /^\s*\d+(\.\d+)?\s*(ms|s|m|h|d|w)?\s*$/.test(v), "LAG_RETENTION: a duration such as 7d, 36h or 90m"),
  TIDEMARK_PUBLIC_URL: z.url({ error: "TIDEMARK_PUBLIC_URL must be a URL such as https://tidemark.example.com" }).optional(),
  ALERT_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  ALERT_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  ALERT_RETRY_BACKOFF_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  TIDEMARK_METRICS_PUBLIC: z.enum(["0", "1"]).default("0"),
})
  // A rollback reads the batches within the rollback retention: batch history must reach at least that far back.
  .superRefine((e, ctx) => {
    if (e.TIDEMARK_BATCH_RETENTION_DAYS !== undefined && e.TIDEMARK_BATCH_RETENTION_DAYS < e.TIDEMARK_ROLLBACK_RETENTION_DAYS) {
      ctx.addIssue({
        code: "custom",
        path: ["TIDEMARK_BATCH_RETENTION_DAYS"],
        message:
          `TIDEMARK_BATCH_RETENTION_DAYS (${e.TIDEMARK_BATCH_RETENTION_DAYS}) must be at least TIDEMARK_ROLLBACK_RETENTION_DAYS (${e.TIDEMARK_ROLLBACK_RETENTION_DAYS}): ` +
          "a replay's rollback reads the batches of that period. Raise it, or lower the rollback retention",
      });
    }
  })
  .transform((e) => ({ ...e, TIDEMARK_BATCH_RETENTION_DAYS: e.TIDEMARK_BATCH_RETENTION_DAYS ?? Math.max(DEFAULT_BATCH_RETENTION_DAYS, e.TIDEMARK_ROLLBACK_RETENTION_DAYS) }));

export type Env = z.output<typeof envSchema>;

let cached: Env | undefined;

/** Throws a ZodError naming each setting that is wrong (boot() reads env() as it starts). */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return envSchema.parse(source);
}

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function kafkaBrokers(): string[] {
  const brokers = env().KAFKA_BROKERS;
  if (brokers.length === 0) {
    throw new Error("KAFKA_BROKERS is not set (npm start sets it when it starts the local broker)");
  }
  return brokers;
}

/** Sign-in is on when a first admin password (or its hash) is configured. */
export function authConfigured(): boolean {
  const e = env();
  return Boolean(e.TIDEMARK_ADMIN_PASSWORD || e.TIDEMARK_ADMIN_PASSWORD_HASH);
}

/** Per-batch contributions older than this are pruned, so batches that old cannot be rolled back. */
export function rollbackRetentionMs(): number {
  return env().TIDEMARK_ROLLBACK_RETENTION_DAYS * 86_400_000;
}

/** Finished batches older than this are pruned (never less than the rollback retention; see batch-history.ts). */
export function batchRetentionMs(config: Env = env()): number {
  return config.TIDEMARK_BATCH_RETENTION_DAYS * 86_400_000;
}

/** What bounds a batch of a job that sets no limits of its own. */
export function batchLimitDefaults(config: Env = env()): BatchLimits {
  return { maxRecordsPerPartition: config.TIDEMARK_DEFAULT_MAX_RECORDS_PER_PARTITION, maxBatchBytes: config.TIDEMARK_DEFAULT_MAX_BATCH_BYTES };
}

/** Base URL for links in alert messages: TIDEMARK_PUBLIC_URL, else this server on localhost. */
export function publicUrl(): string {
  return env().TIDEMARK_PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
}
