import "server-only";
import { createPrismaClient } from "./db/client";
import { applyMigrations } from "./db/migrate";
import { DemoTraffic } from "./demo/demo-traffic";
import { bindRefusal } from "@/lib/domain/bind-address";
import { authConfigured, env, kafkaBrokers, publicUrl } from "./env";
import { ensureBootstrapAdmin } from "./services/auth";
import type { Db } from "./stores/tx";
import { RuntimeChild } from "./runtime/runtime-child";
import { RuntimeHost } from "./runtime/runtime-host";
import { systemClock } from "@/lib/domain/ports";
import { parseDuration } from "@/lib/domain/lag-retention";
import { createKafka } from "./kafka/kafka-client";
import { KafkaLagSource } from "./lag/kafka-lag-source";
import { LagSampler } from "./lag/lag-sampler";
import { Alerting } from "./alerts/alerting";

/**
 * The one place that wires Tidemark's parts: migrations, then the runtime (coordinator and its
 * job runners), then the lag sampler, then alerting, then the demo traffic. Stopped in reverse order.
 */
export async function boot(): Promise<void> {
  const config = env();
  const refusal = bindRefusal(listenHost(), authConfigured());
  if (refusal) {
    console.error(`[tidemark] ${refusal}`);
    process.exit(1);
  }
  const { applied } = applyMigrations(config.DATABASE_URL);
  if (applied.length > 0) console.log(`[tidemark] applied migrations: ${applied.join(", ")}`);
  await withClient(config.DATABASE_URL, ensureBootstrapAdmin);
  if (config.TIDEMARK_RUNTIME === "0") return;

  // The job runtime (own DB connection, Kafka reader, forward sink, offset mirror, coordinator) is
  // wired in RuntimeHost. By default it runs in a child process (runtime-process.ts, the very
  // process the crash tests kill), so its CPU-bound batches never hold up an API request.
  const runtime =
    config.TIDEMARK_RUNTIME_ISOLATION === "process"
      ? new RuntimeChild({ env: process.env, cwd: process.cwd() })
      : new RuntimeHost({
          databaseUrl: config.DATABASE_URL,
          brokers: kafkaBrokers(),
          clientId: `${config.KAFKA_CLIENT_ID}-runtime`,
          reconcileIntervalMs: config.TIDEMARK_RECONCILE_INTERVAL_MS,
          maxConcurrentBatches: config.TIDEMARK_MAX_CONCURRENT_BATCHES,
        });
  await runtime.start();
  // The demo traffic has its own connections, wherever the runtime runs.
  const db = createPrismaClient(config.DATABASE_URL, { busyTimeoutMs: 30_000 });
  const kafka = createKafka(kafkaBrokers(), `${config.KAFKA_CLIENT_ID}-demo`);

  // Lag sampling: its own DB connection (a batch transaction never delays a tick) and Kafka client.
  const lagDb = createPrismaClient(config.DATABASE_URL, { busyTimeoutMs: 30_000 });
  const lagSource = new KafkaLagSource(createKafka(kafkaBrokers(), `${config.KAFKA_CLIENT_ID}-lag`));
  const lagSampler = new LagSampler({
    db: lagDb,
    source: lagSource,
    clock: systemClock,
    intervalMs: config.LAG_SAMPLE_INTERVAL_MS,
    retentionMs: parseDuration(config.LAG_RETENTION),
  });
  await lagSampler.start();

  // Alerting: evaluates rules on the sampler's cadence from the database; delivers off that path.
  const alerting = new Alerting({
    databaseUrl: config.DATABASE_URL,
    intervalMs: config.LAG_SAMPLE_INTERVAL_MS,
    publicUrl: publicUrl(),
    timeoutMs: config.ALERT_DELIVERY_TIMEOUT_MS,
    maxAttempts: config.ALERT_DELIVERY_ATTEMPTS,
    backoffBaseMs: config.ALERT_RETRY_BACKOFF_MS,
  });
  alerting.start();

  const demo = config.TIDEMARK_DEMO === "1" ? new DemoTraffic(kafka, db) : null;
  if (demo) startDemoWhenKafkaAnswers(demo);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await demo?.stop();
    await alerting.stop();
    await lagSampler.stop();
    await lagSource.close();
    await lagDb.$disconnect();
    await runtime.stop();
    await db.$disconnect();
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void shutdown());
  console.log(`[tidemark] runtime started (Kafka ${config.KAFKA_BROKERS.join(",")}${demo ? ", demo on" : ""})`);
}

function startDemoWhenKafkaAnswers(demo: DemoTraffic, attempt = 1): void {
  demo.start().catch((error: unknown) => {
    console.warn(`[tidemark] demo not started yet (${error instanceof Error ? error.message : error}); retrying`);
    setTimeout(() => startDemoWhenKafkaAnswers(demo, attempt + 1), Math.min(30_000, 1000 * attempt)).unref();
  });
}

/** The address `next start` listens on: its -H/--hostname argument, else HOST. */
function listenHost(): string {
  const args = process.argv;
  const i = args.findIndex((a) => a === "-H" || a === "--hostname");
  return (i >= 0 ? args[i + 1] : undefined) ?? env().HOST;
}

async function withClient(url: string, work: (db: Db) => Promise<void>): Promise<void> {
  const db = createPrismaClient(url);
  try {
    await work(db);
  } finally {
    await db.$disconnect();
  }
}
