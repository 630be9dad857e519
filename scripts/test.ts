/**
 * `npm test`: every suite — typecheck and lint, unit, integration (real Kafka broker and SQLite), the store
 * and runtime suites again on a throwaway PostgreSQL cluster, then the production build and the e2e suite in
 * Chromium. Every suite runs; the exit code fails if any did. Two lanes run beside the unit and integration
 * suites, whose tests mostly wait on Kafka: the static checks (CPU for a minute), and the PostgreSQL suites
 * (their own broker and cluster). Their output is shown when they end; the build waits for both.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBroker } from "./kafka/broker";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const env = { ...process.env, TIDEMARK_DEMO: "0" };

interface Step {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Runs in this background lane, after the lane's earlier steps; unset: in order, in the foreground. */
  lane?: "checks" | "postgres";
}

const steps: Step[] = [
  // A throwaway PostgreSQL cluster (scripts/db/postgres-cluster.ts), started and removed by the project's global setup.
  { name: "store + runtime suites on PostgreSQL (vitest)", command: bin("vitest"), args: ["run", "--project", "postgres"], lane: "postgres" },
  { name: "typecheck (tsc)", command: bin("tsc"), args: ["--noEmit", "-p", "."], lane: "checks" },
  { name: "lint (eslint, layer borders included)", command: bin("eslint"), args: ["."], lane: "checks" },
  { name: "import cycles", command: bin("tsx"), args: ["scripts/check-import-cycles.ts"], lane: "checks" },
  { name: "unit + integration (vitest)", command: bin("vitest"), args: ["run", "--project", "unit", "--project", "integration"] },
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

/** Runs a step in the background, its output into a file; resolves with its exit status and output. */
function runAlongside(step: Step): Promise<{ status: number | null; output: string; seconds: string }> {
  const started = Date.now();
  const file = path.join(os.tmpdir(), `tidemark-test-${process.pid}-${step.name.replace(/\W+/g, "-")}.log`);
  const out = fs.openSync(file, "w");
  const child = spawn(step.command, step.args, { cwd: root, env: { ...(step.env ?? env), FORCE_COLOR: "1" }, stdio: ["ignore", out, out] });
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      fs.closeSync(out);
      const output = fs.readFileSync(file, "utf8");
      fs.rmSync(file, { force: true });
      resolve({ status: code, output, seconds: ((Date.now() - started) / 1000).toFixed(0) });
    });
  });
}

async function main(): Promise<void> {
  prefetchSchemaRegistry();
  const failed: string[] = [];
  const timings: string[] = [];
  // Each lane runs its steps one after another, in the background; results are reported in step order.
  const laneResults = new Map<Step, ReturnType<typeof runAlongside>>();
  const lanes = new Map<string, Promise<unknown>>();
  for (const step of steps.filter((s) => s.lane)) {
    const previous = lanes.get(step.lane!) ?? Promise.resolve();
    const done = previous.then(() => runAlongside(step));
    laneResults.set(step, done);
    lanes.set(step.lane!, done);
    console.log(`=== ${step.name}: runs in the background (${step.lane} lane) ===`);
  }
  const awaitLanes = async () => {
    for (const [step, done] of [...laneResults]) {
      laneResults.delete(step);
      const result = await done;
      console.log(`\n=== ${step.name} (${step.lane} lane) ===\n${result.output}`);
      timings.push(`${step.name}: ${result.status === 0 ? "ok" : "FAILED"} in ${result.seconds} s (${step.lane} lane)`);
      if (result.status !== 0) failed.push(step.name);
    }
  };
  for (const step of steps) {
    if (step.lane) continue;
    if (step.name.startsWith("production build")) await awaitLanes();
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
  await awaitLanes();
  console.log(`\n=== summary ===\n${timings.join("\n")}`);
  process.exit(failed.length === 0 ? 0 : 1);
}

void main();
