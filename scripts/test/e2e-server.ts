/**
 * Playwright's webServer: the production build against a real broker (KAFKA_BROKERS, or one it
 * starts on free ports) and a fresh SQLite file (E2E_DB_FILE, or a temporary one), demo off.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBroker, type LocalBroker } from "../kafka/broker";

const root = path.resolve(import.meta.dirname, "../..");
const port = process.env.E2E_PORT ?? "3100";

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-e2e-server-"));
  const dbFile = process.env.E2E_DB_FILE ?? path.join(tmp, "tidemark.db");
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(dbFile + suffix, { force: true });
  let broker: LocalBroker | null = null;
  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    broker = await startBroker({ dataDir: path.join(tmp, "kafka") });
    brokers = broker.brokers.join(",");
  }
  const server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", port], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_MANUAL_SIG_HANDLE: "true",
      KAFKA_BROKERS: brokers,
      DATABASE_URL: `file:${dbFile}`,
      TIDEMARK_DEMO: "0",
      // Lag charts get points within a second or two (the default is 5 s).
      LAG_SAMPLE_INTERVAL_MS: process.env.LAG_SAMPLE_INTERVAL_MS ?? "1000",
    },
  });
  const stop = async () => {
    server.kill("SIGTERM");
    await broker?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  server.on("exit", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
