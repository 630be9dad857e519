/**
 * `npm test`: every suite, in order — unit, integration (real Kafka broker and SQLite), then the
 * production build and the e2e suite in Chromium. Every suite runs; the exit code fails if any did.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const env = { ...process.env, TIDEMARK_DEMO: "0" };

const steps: { name: string; command: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [
  { name: "unit + integration (vitest)", command: bin("vitest"), args: ["run"] },
  { name: "production build (next build)", command: bin("next"), args: ["build"], env: { ...env, NODE_ENV: "production" } },
  { name: "e2e (playwright, chromium)", command: bin("playwright"), args: ["test"] },
];

const failed: string[] = [];
const timings: string[] = [];
for (const step of steps) {
  const started = Date.now();
  console.log(`\n=== ${step.name} ===`);
  const result = spawnSync(step.command, step.args, { cwd: root, env: step.env ?? env, stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  timings.push(`${step.name}: ${result.status === 0 ? "ok" : "FAILED"} in ${seconds} s`);
  if (result.status !== 0) {
    failed.push(step.name);
    if (step.name.startsWith("production build")) break; // e2e needs the build
  }
}
console.log(`\n=== summary ===\n${timings.join("\n")}`);
process.exit(failed.length === 0 ? 0 : 1);
