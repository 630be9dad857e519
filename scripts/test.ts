/**
 * `npm test`: every suite, in order — typecheck and lint, unit, integration (real Kafka broker and
 * SQLite), the store and runtime suites again on a throwaway PostgreSQL cluster, then the production build and the e2e suite in Chromium. Every suite runs; the exit code fails if any did.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBroker } from "./kafka/broker";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const env = { ...process.env, TIDEMARK_DEMO: "0" };

const steps: { name: string; command: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [
  { name: "typecheck (tsc)", command: bin("tsc"), args: ["--noEmit", "-p", "."] },
  { name: "lint (eslint, layer borders included)", command: bin("eslint"), args: ["."] },
  { name: "import cycles", command: bin("tsx"), args: ["scripts/check-import-cycles.ts"] },
  { name: "unit + integration (vitest)", command: bin("vitest"), args: ["run", "--project", "unit", "--project", "integration"] },
  // A throwaway PostgreSQL cluster (scripts/db/postgres-cluster.ts), started and removed by the project's global setup.
  { name: "store + runtime suites on PostgreSQL (vitest)", command: bin("vitest"), args: ["run", "--project", "postgres"] },
  { name: "production build (next build)", command: bin("next"), args: ["build"], env: { ...env, NODE_ENV: "production" } },
  { name: "e2e (playwright, chromium)", command: bin("playwright"), args: ["test"] },
];

/** One broker for both e2e servers (vitest's own setup starts another, which tests may stop and restart). */
async function withE2eBroker<T>(run: (brokers: string) => T): Promise<T> {
  if (process.env.KAFKA_BROKERS) return run(process.env.KAFKA_BROKERS);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-e2e-kafka-"));
  const broker = await startBroker({ dataDir });
  try {
    return run(broker.brokers.join(","));
  } finally {
    await broker.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The schema registry's first build takes minutes of Maven downloads: start it now, beside the other steps. */
function prefetchSchemaRegistry(): void {
  const log = fs.openSync(path.join(os.tmpdir(), `tidemark-registry-prefetch-${process.pid}.log`), "w");
  spawn(bin("tsx"), ["scripts/schema-registry/prefetch.ts"], { cwd: root, env, stdio: ["ignore", log, log], detached: true }).unref();
}

async function main(): Promise<void> {
  prefetchSchemaRegistry();
  const failed: string[] = [];
  const timings: string[] = [];
  for (const step of steps) {
    const started = Date.now();
    console.log(`\n=== ${step.name} ===`);
    const runStep = (extraEnv: Record<string, string> = {}) =>
      spawnSync(step.command, step.args, { cwd: root, env: { ...(step.env ?? env), ...extraEnv }, stdio: "inherit" });
    const result = step.name.startsWith("e2e") ? await withE2eBroker((brokers) => runStep({ KAFKA_BROKERS: brokers })) : runStep();
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    timings.push(`${step.name}: ${result.status === 0 ? "ok" : "FAILED"} in ${seconds} s`);
    if (result.status !== 0) {
      failed.push(step.name);
      if (step.name.startsWith("production build")) break; // e2e needs the build
    }
  }
  console.log(`\n=== summary ===\n${timings.join("\n")}`);
  process.exit(failed.length === 0 ? 0 : 1);
}

void main();
