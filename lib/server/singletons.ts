import { systemClock } from "@/lib/domain/ports";
import { parseDuration } from "@/lib/domain/lag-retention";
import { Alerting } from "./alerts/alerting";
import { createPrismaClient } from "./db/client";
import { startDemo } from "./demo/demo-traffic";
import { kafkaBrokers, publicUrl, type Env } from "./env";
import { createKafka } from "./kafka/kafka-client";
import { KafkaLagSource } from "./lag/kafka-lag-source";
import { LagSampler } from "./lag/lag-sampler";
import type { Service } from "./lifecycle";
import type { LeaderTerm } from "./cluster/leader-gate";
import type { Db } from "./stores/tx";

/** The parts that run once in a cluster: lag sampling, alerting (woken by the sampler), the demo traffic. */
export function singletons(config: Env, opts: { runtimeDownSince?: () => number | null; term?: LeaderTerm } = {}): Service[] {
  // Alerting: evaluates rules from the database right after each lag sample (the sampler wakes it), and on
  // its own when sampling stalls; delivers off that path.
  const alerting = new Alerting({
    databaseUrl: config.DATABASE_URL,
    intervalMs: config.LAG_SAMPLE_INTERVAL_MS,
    publicUrl: publicUrl(),
    timeoutMs: config.ALERT_DELIVERY_TIMEOUT_MS,
    maxAttempts: config.ALERT_DELIVERY_ATTEMPTS,
    backoffBaseMs: config.ALERT_RETRY_BACKOFF_MS,
    // A crashed runtime leaves its jobs' status at "running": job-not-running asks its supervisor.
    runtimeDownSince: opts.runtimeDownSince,
    // Delivered once by the cluster: a leader that lost its lease (paused past the TTL) sends nothing more.
    mayDeliver: opts.term?.stillLeading,
    leaseTtlMs: config.TIDEMARK_LEASE_TTL_MS,
  });

  // Lag sampling: its own DB connection (a batch transaction never delays a tick) and Kafka client.
  let lag: { db: Db; source: KafkaLagSource; sampler: LagSampler } | null = null;
  // The demo traffic has its own connections, wherever the runtime runs.
  let demo: { db: Db; traffic: ReturnType<typeof startDemo> } | null = null;

  return [
    {
      name: "lag sampler",
      start: async () => {
        const db = createPrismaClient(config.DATABASE_URL, { busyTimeoutMs: 30_000 });
        const source = new KafkaLagSource(createKafka(kafkaBrokers(), `${config.KAFKA_CLIENT_ID}-lag`));
        const sampler = new LagSampler({
          db,
          source,
          clock: systemClock,
          intervalMs: config.LAG_SAMPLE_INTERVAL_MS,
          retentionMs: parseDuration(config.LAG_RETENTION),
          onSampled: () => alerting.evaluator.wake(),
        });
        lag = { db, source, sampler };
        await sampler.start();
      },
      stop: async () => {
        await lag?.sampler.stop();
        await lag?.source.close();
        await lag?.db.$disconnect();
      },
    },
    { name: "alerting", start: () => alerting.start(), stop: () => alerting.stop() },
    {
      name: "demo traffic",
      start: () => {
        const db = createPrismaClient(config.DATABASE_URL, { busyTimeoutMs: 30_000 });
        demo = { db, traffic: startDemo(config.TIDEMARK_DEMO, createKafka(kafkaBrokers(), `${config.KAFKA_CLIENT_ID}-demo`), db) };
      },
      stop: async () => {
        await demo?.traffic?.stop();
        await demo?.db.$disconnect();
      },
    },
  ];
}

