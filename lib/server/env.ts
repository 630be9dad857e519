/** Every setting Tidemark reads from the environment, parsed once. Documented in README "Configuration". */
import { z } from "zod";

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
});

export type Env = z.output<typeof envSchema>;

let cached: Env | undefined;

export function env(): Env {
  cached ??= envSchema.parse(process.env);
  return cached;
}

export function kafkaBrokers(): string[] {
  const brokers = env().KAFKA_BROKERS;
  if (brokers.length === 0) {
    throw new Error("KAFKA_BROKERS is not set (npm start sets it when it starts the local broker)");
  }
  return brokers;
}
