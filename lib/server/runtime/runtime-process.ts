/**
 * The job runtime alone, as a process: `tsx lib/server/runtime/runtime-process.ts`. It applies
 * migrations and wires the runtime exactly as lib/server/boot.ts does inside `next start`, minus the
 * web server and the demo. `next start` runs it as a child process (RuntimeChild); the fault tests
 * SIGKILL and SIGTERM it; the benchmark measures it.
 * Settings: DATABASE_URL, KAFKA_BROKERS, KAFKA_CLIENT_ID, TIDEMARK_RECONCILE_INTERVAL_MS.
 * `--instance`: a whole instance without the web server, as one of several sharing a database: the cluster
 * singletons (lag sampling, alerting) run here too, under the leader lease (the cluster test runs three).
 */
import { migrateDatabase } from "../db/migrate-database";
import { env } from "../env";
import { stopOnSignals } from "../lifecycle";
import { runtimeHostFromEnv } from "./runtime-host";
import { logMemoryPeaks } from "../debug-memory";
import { releaseBuffersUnderPressure } from "../memory-pressure";
import { loadProcessors } from "../processors/load-processors";
import { systemClock } from "@/lib/domain/ports";
import { leaderGated } from "../cluster/leader-gate";
import { startServices, type Service } from "../lifecycle";
import { singletons } from "../singletons";

async function main(): Promise<void> {
  logMemoryPeaks("runtime");
  const config = env();
  // Batches only: a pause of a few ms to collect, as often as needed, costs no request anything.
  releaseBuffersUnderPressure(config.TIDEMARK_GC_BUFFER_MB, { minGapMs: 100 });
  await migrateDatabase(config.DATABASE_URL);
  // The processors folder (TIDEMARK_PROCESSORS_DIR): a broken module or failing migration ends the process with its message.
  await loadProcessors({ databaseUrl: config.DATABASE_URL });
  const host = runtimeHostFromEnv(config);
  const services: Service[] = [{ name: "runtime", start: () => host.start(), stop: () => host.stop() }];
  if (process.argv.includes("--instance")) {
    services.push(leaderGated((term) => singletons(config, { term }), { group: "singletons", databaseUrl: config.DATABASE_URL, clock: systemClock, ttlMs: config.TIDEMARK_LEASE_TTL_MS }));
  }
  let lifecycle: { stop(): Promise<void> } | null = null;
  stopOnSignals(() => (lifecycle ? lifecycle.stop() : host.stop()), { exit: true, deadlineMs: 8_000, exitCode: "outcome", announce: "stopping the runtime" });
  // Started by the web server (RuntimeChild): when the server goes away, stop as on SIGTERM.
  if (process.send) process.on("disconnect", () => process.kill(process.pid, "SIGTERM"));
  lifecycle = await startServices(services);
  console.log(`[tidemark] runtime process ${process.pid} started`);
}

main().catch((error: unknown) => {
  console.error("[tidemark] runtime process failed", error);
  process.exit(1);
});
