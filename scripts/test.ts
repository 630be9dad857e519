/**
 * `npm test`: every suite — typecheck and lint, unit, integration (real Kafka broker and SQLite), the store
 * and runtime suites again on a throwaway PostgreSQL cluster, then the production build and the e2e suite in
 * Chromium. Every suite runs; the exit code fails if any did.
 *
 * Two lanes run at once, each its steps in order, so that both cores stay busy while the integration
 * tests mostly wait on Kafka, and no more than two suites share them:
 * - foreground: unit + integration, then the PostgreSQL suites (their own broker and cluster), output live;
 * - checks: typecheck, lint, the cycle check, the production build, then the e2e suite on its own broker.
 *   Its output is printed when each step ends.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBroker } from "./kafka/broker";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const env = { ...process.env, TIDEMARK_DEMO: "0" };

type Lane = "foreground" | "checks";

interface Step {
  name: string;
  command: string;
  args: string[];
  lane: Lane;
  env?: NodeJS.ProcessEnv;
  /** Runs only if this earlier step of its lane passed. */
  needs?: string;
  /** Runs with a broker of its own (KAFKA_BROKERS), started for it and removed after. */
  ownBroker?: boolean;
}

const BUILD = "production build (next build)";

const steps: Step[] = [
  { name: "unit + integration (vitest)", command: bin("vitest"), args: ["run", "--project", "unit", "--project", "integration"], lane: "foreground" },
  // A throwaway PostgreSQL cluster (scripts/db/postgres-cluster.ts), started and removed by the project's global setup.
  { name: "store + runtime suites on PostgreSQL (vitest)", command: bin("vitest"), args: ["run", "--project", "postgres"], lane: "foreground" },
  { name: "typecheck (tsc)", command: bin("tsc"), args: ["--noEmit", "-p", "."], lane: "checks" },
  { name: "lint (eslint, layer borders included)", command: bin("eslint"), args: ["."], lane: "checks" },
  { name: "import cycles", command: bin("tsx"), args: ["scripts/check-import-cycles.ts"], lane: "checks" },
  { name: BUILD, command: bin("next"), args: ["build"], lane: "checks", env: { ...env, NODE_ENV: "production" } },
  { name: "e2e (playwright, chromium)", command: bin("playwright"), args: ["test"], lane: "checks", needs: BUILD, ownBroker: true },
];

/** One broker for both e2e servers (vitest's own setup starts another, which tests may stop and restart). */
async function withOwnBroker<T>(run: (brokers: string) => Promise<T>): Promise<T> {
  if (process.env.KAFKA_BROKERS) return run(process.env.KAFKA_BROKERS);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-e2e-kafka-"));
  const broker = await startBroker({ dataDir });
  try {
    return await run(broker.brokers.join(","));
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

type Outcome = { status: number | null; seconds: string };

/**
 * Runs a step: in the foreground with its output live, in a background lane with its output in a file,
 * printed when the step ends (whole, so lanes' outputs never interleave).
 */
async function runStep(step: Step, extraEnv: Record<string, string>): Promise<Outcome> {
  const started = Date.now();
  const stepEnv = { ...(step.env ?? env), ...extraEnv };
  const foreground = step.lane === "foreground";
  const file = path.join(os.tmpdir(), `tidemark-test-${process.pid}-${step.name.replace(/\W+/g, "-")}.log`);
  const out = foreground ? null : fs.openSync(file, "w");
  if (foreground) console.log(`\n=== ${step.name} ===`);
  const child = spawn(step.command, step.args, {
    cwd: root,
    env: foreground ? stepEnv : { ...stepEnv, FORCE_COLOR: "1" },
    stdio: foreground ? "inherit" : ["ignore", out!, out!],
  });
  const status = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (out !== null) {
    fs.closeSync(out);
    console.log(`\n=== ${step.name} (${step.lane} lane, ended after ${seconds} s) ===\n${fs.readFileSync(file, "utf8")}`);
    fs.rmSync(file, { force: true });
  }
  return { status, seconds };
}

async function main(): Promise<void> {
  prefetchSchemaRegistry();
  const outcomes = new Map<string, Outcome | "skipped">();
  const runLane = async (lane: Lane) => {
    for (const step of steps.filter((s) => s.lane === lane)) {
      const needed = step.needs ? outcomes.get(step.needs) : undefined;
      if (needed === "skipped" || (needed && needed.status !== 0)) {
        outcomes.set(step.name, "skipped");
        continue;
      }
      const outcome = step.ownBroker ? await withOwnBroker((brokers) => runStep(step, { KAFKA_BROKERS: brokers })) : await runStep(step, {});
      outcomes.set(step.name, outcome);
    }
  };
  console.log(`=== ${steps.filter((s) => s.lane === "checks").map((s) => s.name).join(", then ")}: in the background (checks lane) ===`);
  await Promise.all([runLane("checks"), runLane("foreground")]);

  const lines = steps.map((step) => {
    const outcome = outcomes.get(step.name);
    const where = step.lane === "foreground" ? "" : ` (${step.lane} lane)`;
    if (!outcome || outcome === "skipped") return `${step.name}: SKIPPED (${step.needs} failed)${where}`;
    return `${step.name}: ${outcome.status === 0 ? "ok" : "FAILED"} in ${outcome.seconds} s${where}`;
  });
  const failed = steps.filter((step) => {
    const outcome = outcomes.get(step.name);
    return !outcome || outcome === "skipped" || outcome.status !== 0;
  });
  console.log(`\n=== summary ===\n${lines.join("\n")}`);
  process.exit(failed.length === 0 ? 0 : 1);
}

void main();
