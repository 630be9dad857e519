import "server-only";
import { systemClock } from "@/lib/domain/ports";
import { createPrismaClient } from "./db/client";
import { applyMigrations } from "./db/migrate";
import { DemoTraffic } from "./demo/demo-traffic";
import { env, kafkaBrokers } from "./env";
import { createKafka } from "./kafka/kafka-client";
import { KafkajsLog } from "./kafka/kafka-log";
import { JobCoordinator } from "./runtime/job-coordinator";
import { StaticOwnership } from "./runtime/static-ownership";

/**
 * The one place that wires Tidemark's parts: migrations, then the runtime (coordinator and its
 * job runners), then the demo traffic. Stopped in reverse order.
 */
export async function boot(): Promise<void> {
  const config = env();
  const { applied } = applyMigrations(config.DATABASE_URL);
  if (applied.length > 0) console.log(`[tidemark] applied migrations: ${applied.join(", ")}`);
  if (config.TIDEMARK_RUNTIME === "0") return;

  const db = createPrismaClient(config.DATABASE_URL, { busyTimeoutMs: 30_000 });
  const kafka = createKafka(kafkaBrokers(), `${config.KAFKA_CLIENT_ID}-runtime`);
  const log = new KafkajsLog(kafka);
  const coordinator = new JobCoordinator({
    db,
    log,
    clock: systemClock,
    ownershipFor: (job) => new StaticOwnership(log, job.topics),
    reconcileIntervalMs: config.TIDEMARK_RECONCILE_INTERVAL_MS,
  });
  await coordinator.start();

  const demo = config.TIDEMARK_DEMO === "1" ? new DemoTraffic(kafka, db) : null;
  if (demo) startDemoWhenKafkaAnswers(demo);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await demo?.stop();
    await coordinator.stop();
    await log.close();
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
