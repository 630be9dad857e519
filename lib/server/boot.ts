import "server-only";
import { createPrismaClient } from "./db/client";
import { applyMigrations } from "./db/migrate";
import { startDemo } from "./demo/demo-traffic";
import net from "node:net";
import { bindRefusal, nextListenHost } from "@/lib/domain/bind-address";
import { installForwardingGuard } from "./http/client-address";
import { authConfigured, env, kafkaBrokers, publicUrl } from "./env";
import { ensureBootstrapAdmin } from "./services/auth";
import { authMode } from "./auth/auth-mode";
import type { Db } from "./stores/tx";
import { runtimeProcess } from "./runtime/runtime-child";
import { SupervisedRuntime } from "./runtime/runtime-supervisor";
import { runtimeThread } from "./runtime/runtime-thread";
import { runtimeHostFromEnv } from "./runtime/runtime-host";
import { systemClock } from "@/lib/domain/ports";
import { parseDuration } from "@/lib/domain/lag-retention";
import { createKafka } from "./kafka/kafka-client";
import { KafkaLagSource } from "./lag/kafka-lag-source";
import { LagSampler } from "./lag/lag-sampler";
import { Alerting } from "./alerts/alerting";
import { logMemoryPeaks } from "./debug-memory";
import { releaseBuffersUnderPressure } from "./memory-pressure";

/**
 * The one place that wires Tidemark's parts: migrations, then the runtime (coordinator and its
 * job runners), then the lag sampler, then alerting, then the demo traffic. Stopped in reverse order.
 */
export async function boot(): Promise<void> {
  logMemoryPeaks("server");
  const config = env();
  // The lag sampler reads whole record batches in bursts (one per lagging partition each tick), faster
  // than a collection every 250 ms keeps up with; a collection takes 10–20 ms, and runs only in a burst.
  releaseBuffersUnderPressure(config.TIDEMARK_GC_BUFFER_MB, { minGapMs: 100 });
  // Before any request is answered: forged X-Forwarded-* headers are dropped (unless a proxy is trusted).
  installForwardingGuard(config.TIDEMARK_TRUST_PROXY === "1");
  const { applied } = applyMigrations(config.DATABASE_URL);
  if (applied.length > 0) console.log(`[tidemark] applied migrations: ${applied.join(", ")}`);
  await withClient(config.DATABASE_URL, ensureBootstrapAdmin);
  // Users in the database keep sign-in on without the password in the environment (auth-mode.ts).
  const mode = await withClient(config.DATABASE_URL, authMode);
  if (mode === "authenticated" && !authConfigured()) console.log("[tidemark] sign-in is on: the database has users (npm run users:reset-local goes back to local mode)");
  for (const host of listenHosts()) {
    const refusal = bindRefusal(host, mode === "authenticated");
    if (refusal) {
      console.error(`[tidemark] ${refusal}`);
      process.exit(1);
    }
  }
  if (config.TIDEMARK_RUNTIME === "0") {
    exitOnTermination(async () => {});
    return;
  }

  // The job runtime (own DB connection, Kafka reader, forward sink, offset mirror, coordinator) is
  // wired in RuntimeHost. By default it runs in a worker thread (its own heap and event loop, so its
  // CPU-bound batches never hold up an API request); "process" runs it in a child process instead.
  const launch = { env: process.env, cwd: process.cwd() };
  const runtime =
    config.TIDEMARK_RUNTIME_ISOLATION === "thread"
      ? runtimeThread(launch)
      : config.TIDEMARK_RUNTIME_ISOLATION === "process"
        ? runtimeProcess(launch)
        : runtimeHostFromEnv(config);
  await runtime.start();
  // The demo traffic has its own connections, wherever the runtime runs.
  const db = createPrismaClient(config.DATABASE_URL, { busyTimeoutMs: 30_000 });
  const kafka = createKafka(kafkaBrokers(), `${config.KAFKA_CLIENT_ID}-demo`);

  // Alerting: evaluates rules from the database right after each lag sample (the sampler wakes it), and on
  // its own when sampling stalls; delivers off that path. Made here, started after the sampler.
  const alerting = new Alerting({
    databaseUrl: config.DATABASE_URL,
    intervalMs: config.LAG_SAMPLE_INTERVAL_MS,
    publicUrl: publicUrl(),
    timeoutMs: config.ALERT_DELIVERY_TIMEOUT_MS,
    maxAttempts: config.ALERT_DELIVERY_ATTEMPTS,
    backoffBaseMs: config.ALERT_RETRY_BACKOFF_MS,
    // A crashed runtime leaves its jobs' status at "running": job-not-running asks its supervisor.
    runtimeDownSince: runtime instanceof SupervisedRuntime ? () => runtime.downSince() : undefined,
  });

  // Lag sampling: its own DB connection (a batch transaction never delays a tick) and Kafka client.
  const lagDb = createPrismaClient(config.DATABASE_URL, { busyTimeoutMs: 30_000 });
  const lagSource = new KafkaLagSource(createKafka(kafkaBrokers(), `${config.KAFKA_CLIENT_ID}-lag`));
  const lagSampler = new LagSampler({
    db: lagDb,
    source: lagSource,
    clock: systemClock,
    intervalMs: config.LAG_SAMPLE_INTERVAL_MS,
    retentionMs: parseDuration(config.LAG_RETENTION),
    onSampled: () => alerting.evaluator.wake(),
  });
  await lagSampler.start();
  alerting.start();

  const demo = startDemo(config.TIDEMARK_DEMO, kafka, db);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    const runtimeStopped = runtime.stop(); // first: its batch in flight takes the longest
    await demo?.stop();
    await alerting.stop();
    await lagSampler.stop();
    await lagSource.close();
    await lagDb.$disconnect();
    await runtimeStopped;
    await db.$disconnect();
  };
  exitOnTermination(shutdown);
  console.log(`[tidemark] runtime started (Kafka ${config.KAFKA_BROKERS.join(",")}${demo ? ", demo on" : ""})`);
}

/**
 * Stops Tidemark's parts on SIGTERM/SIGINT. Next.js' own handler exits as soon as HTTP is closed, which
 * would end a runtime thread mid-batch (SQLite then rolls the batch back and it re-runs on the next
 * start). With NEXT_MANUAL_SIG_HANDLE set (npm start sets it), Next.js leaves the signals to us: the
 * runtime stops first, its batch in flight commits or rolls back, then the process exits (within 10 s).
 */
function exitOnTermination(shutdown: () => Promise<void>): void {
  const manual = Boolean(process.env.NEXT_MANUAL_SIG_HANDLE);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // Ctrl-C under `npm start` signals twice (the terminal, then scripts/start.ts): the listener stays,
    // so the second signal does not fall through to Node's default, which would exit at once.
    if (stopping) return;
    stopping = true;
    const code = signal === "SIGINT" ? 130 : 143;
    if (manual) setTimeout(() => process.exit(code), 10_000).unref();
    void shutdown()
      .catch((error: unknown) => console.error("[tidemark] error while stopping", error))
      .finally(() => {
        if (manual) process.exit(code);
      });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/**
 * The addresses this server listens on. Next.js opens its port before it calls register(), so the
 * listening sockets tell the truth whatever the command line was (`next dev` runs the server in a
 * child process without the CLI's arguments). Should none be found, the address Next's CLI was
 * given: -H/--hostname, or Next's own default 0.0.0.0 (it ignores HOST).
 */
function listenHosts(): string[] {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const bound = handles
    .filter((h): h is net.Server => h instanceof net.Server && h.listening)
    .flatMap((server) => {
      const address = server.address();
      return address && typeof address === "object" ? [address.address] : [];
    });
  return bound.length > 0 ? bound : [nextListenHost(process.argv.slice(2))];
}

async function withClient<T>(url: string, work: (db: Db) => Promise<T>): Promise<T> {
  const db = createPrismaClient(url);
  try {
    return await work(db);
  } finally {
    await db.$disconnect();
  }
}
