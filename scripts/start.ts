/**
 * `npm start`: the dashboard on http://localhost:3000 with everything it needs.
 * - No KAFKA_BROKERS: starts the local Kafka broker (scripts/kafka) in the background and stops it on exit.
 * - Builds the production bundle when it is missing or older than the sources.
 * - Runs `next start` (HOST, default 127.0.0.1; PORT, default 3000) with the runtime and, unless
 *   TIDEMARK_DEMO=0, the demo topic, traffic and job.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { bindRefusal } from "../lib/domain/bind-address";
import { MEMORY_ENV, withMemoryNodeOptions } from "../lib/server/memory-flags";
import { KAFKA_VERSION, startBroker, type LocalBroker } from "./kafka/broker";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

async function main(): Promise<void> {
  const refusal = bindRefusal(process.env.HOST || "127.0.0.1", Boolean(process.env.TIDEMARK_ADMIN_PASSWORD || process.env.TIDEMARK_ADMIN_PASSWORD_HASH));
  if (refusal) {
    console.error(`[tidemark] ${refusal}`);
    process.exit(1);
  }
  let broker: LocalBroker | null = null;
  // Memory settings (lib/server/memory-flags.ts): less memory kept after Kafka fetches (see BENCHMARKS.md).
  const env: NodeJS.ProcessEnv = { ...MEMORY_ENV, ...process.env, NODE_ENV: "production" };
  if (!env.KAFKA_BROKERS) {
    const port = Number(env.KAFKA_PORT || 9092);
    const dataDir = path.resolve(root, env.KAFKA_DATA_DIR || "data/kafka");
    console.log(`[tidemark] starting local Kafka ${KAFKA_VERSION} on 127.0.0.1:${port} (data: ${path.relative(root, dataDir)}) ...`);
    broker = await startBroker({ dataDir, port });
    env.KAFKA_BROKERS = broker.brokers.join(",");
    console.log(`[tidemark] Kafka is up: ${env.KAFKA_BROKERS}`);
  }

  if (buildIsStale()) {
    console.log("[tidemark] building the dashboard (next build) ...");
    const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, env, stdio: "inherit" });
    if (build.status !== 0) {
      await broker?.stop();
      process.exit(build.status ?? 1);
    }
  }

  const host = env.HOST || "127.0.0.1";
  const port = env.PORT || "3000";
  const server = spawn(process.execPath, [nextBin, "start", "-H", host, "-p", port], {
    cwd: root,
    // NEXT_MANUAL_SIG_HANDLE: on SIGTERM/SIGINT the runtime stops before the server exits (lib/server/boot.ts).
    env: { ...env, NODE_OPTIONS: withMemoryNodeOptions(env.NODE_OPTIONS), NEXT_MANUAL_SIG_HANDLE: "true" },
    stdio: "inherit",
  });
  console.log(`[tidemark] dashboard: http://${host === "127.0.0.1" ? "localhost" : host}:${port}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    server.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  server.on("exit", async (code, signal) => {
    await broker?.stop();
    process.exit(code ?? (signal ? 0 : 1));
  });
}

/** The build is stale when it is missing or any source is newer than it. */
function buildIsStale(): boolean {
  const buildId = path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const builtAt = fs.statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "instrumentation.ts", "next.config.js", "package-lock.json", "prisma/schema.prisma"];
  return sources.some((s) => newestMtime(path.join(root, s)) > builtAt);
}

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "generated" || entry === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

main().catch((error: unknown) => {
  console.error(`[tidemark] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
