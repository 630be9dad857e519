import "server-only";
import { createPrismaClient } from "./db/client";
import { migrateDatabase } from "./db/migrate-database";
import net from "node:net";
import { bindRefusal, nextListenHost } from "@/lib/domain/bind-address";
import { installForwardingGuard } from "./http/client-address";
import { authConfigured, env, type Env } from "./env";
import { startServices, stopOnSignals, type Service } from "./lifecycle";
import { ensureBootstrapAdmin } from "./services/auth";
import { authMode } from "./auth/auth-mode";
import type { Db } from "./stores/tx";
import { runtimeProcess } from "./runtime/runtime-child";
import { SupervisedRuntime } from "./runtime/runtime-supervisor";
import { runtimeThread } from "./runtime/runtime-thread";
import { runtimeHostFromEnv } from "./runtime/runtime-host";
import { schemaRegistryConfigFromEnv } from "./schema-registry/schema-registry-client";
import { systemClock } from "@/lib/domain/ports";
import { logMemoryPeaks } from "./debug-memory";
import { releaseBuffersUnderPressure } from "./memory-pressure";
import { loadProcessors } from "./processors/load-processors";
import { leaderGated } from "./cluster/leader-gate";
import { singletons } from "./singletons";

/**
 * The one place that wires Tidemark's parts: migrations and the bind checks, then the services (see
 * services()) through one lifecycle, stopped by one signal handler.
 */
export async function boot(): Promise<void> {
  logMemoryPeaks("server");
  const config = env();
  // A mistyped SCHEMA_REGISTRY_* setting stops the start here rather than failing each decoding later.
  const registry = schemaRegistryConfigFromEnv();
  if (registry) console.log(`[tidemark] decoding Schema Registry wire format with the registry at ${new URL(registry.url).host}`);
  // The lag sampler reads whole record batches in bursts (one per lagging partition each tick), faster
  // than a collection every 250 ms keeps up with; a collection takes 10–20 ms, and runs only in a burst.
  releaseBuffersUnderPressure(config.TIDEMARK_GC_BUFFER_MB, { minGapMs: 100 });
  // Before any request is answered: forged X-Forwarded-* headers are dropped (unless a proxy is trusted).
  installForwardingGuard(config.TIDEMARK_TRUST_PROXY === "1");
  const { applied } = await migrateDatabase(config.DATABASE_URL);
  if (applied.length > 0) console.log(`[tidemark] applied migrations: ${applied.join(", ")}`);
  await loadProcessorsOrExit(config.DATABASE_URL);
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
  const lifecycle = await startServices(config.TIDEMARK_RUNTIME === "0" ? [] : services(config));
  // NEXT_MANUAL_SIG_HANDLE (npm start sets it): Next.js leaves the signals to us, so the runtime's batch in
  // flight commits or rolls back before the process exits. Without it Next.js exits once HTTP is closed.
  stopOnSignals(lifecycle.stop, { exit: Boolean(process.env.NEXT_MANUAL_SIG_HANDLE), deadlineMs: 10_000 });
  if (lifecycle.running().length > 0) {
    const demoOn = config.TIDEMARK_DEMO === "1";
    console.log(`[tidemark] runtime started (Kafka ${config.KAFKA_BROKERS.join(",")}${demoOn ? ", demo on" : ""})`);
  }
}

/**
 * The processors folder, loaded for the web layer (and an inline runtime) and migrated. A broken module
 * or a failing migration stops the start with what is wrong and where (README "Write your own processor").
 */
async function loadProcessorsOrExit(databaseUrl: string): Promise<void> {
  try {
    const { loaded, migrations } = await loadProcessors({ databaseUrl });
    if (loaded.length > 0) console.log(`[tidemark] processors folder: ${loaded.map((l) => `${l.processor.name} (${l.source})`).join(", ")}`);
    if (migrations.length > 0) console.log(`[tidemark] applied processor migrations: ${migrations.join(", ")}`);
  } catch (error) {
    console.error(`[tidemark] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

/**
 * Tidemark's running parts in start order: the runtime (coordinator and job runners), the lag sampler,
 * alerting (woken by the sampler, so started after it), the demo traffic. Stopped in reverse, with the
 * runtime draining its batch in flight meanwhile, as it takes the longest.
 */
function services(config: Env): Service[] {
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
  let runtimeStopped: Promise<void> | null = null;
  const stopRuntime = () => (runtimeStopped ??= runtime.stop());

  return [
    { name: "runtime", start: () => runtime.start(), beginStop: () => void stopRuntime(), stop: stopRuntime },
    // Once per cluster: on the instance holding the leader lease (one machine: always this one).
    leaderGated((term) => singletons(config, { term, runtimeDownSince: runtime instanceof SupervisedRuntime ? () => runtime.downSince() : undefined }), { group: "singletons", databaseUrl: config.DATABASE_URL, clock: systemClock, ttlMs: config.TIDEMARK_LEASE_TTL_MS }),
  ];
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
