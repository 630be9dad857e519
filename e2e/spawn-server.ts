import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.resolve(__dirname, "..");

export interface SpawnedServer {
  baseURL: string;
  port: number;
  /** The server's SQLite file. */
  dbFile: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
  /** Sends a signal; resolves when the server has exited, with its exit code or signal and how long it took. */
  kill(signal: NodeJS.Signals, times?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A production server of its own (`next start -H 127.0.0.1`, or other host arguments, on the build the suite uses) with a
 * fresh database, for tests that need settings or a quiet database the shared servers cannot give.
 * Demo off; pass TIDEMARK_RUNTIME=0 for a server whose database only requests change.
 */
export async function spawnServer(
  env: Record<string, string | undefined>,
  hostArgs: string[] = ["-H", "127.0.0.1"],
  /** An earlier server's database (a restart); by default a fresh one. */
  reuseDbFile?: string,
): Promise<SpawnedServer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-e2e-own-"));
  const dbFile = reuseDbFile ?? path.join(dir, "tidemark.db");
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", TIDEMARK_DEMO: "0", DATABASE_URL: `file:${dbFile}` };
  delete childEnv.TIDEMARK_ADMIN_PASSWORD;
  delete childEnv.TIDEMARK_ADMIN_PASSWORD_HASH;
  delete childEnv.TIDEMARK_TRUST_PROXY;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  else childEnv[k] = v;
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", ...hostArgs, "-p", String(port)], {
    cwd: root,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before it answered:\n${output}`);
    try {
      // Any answer from the API (even a degraded health) means the server and its boot are up.
      const response = await fetch(`${baseURL}/api/auth/me`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server on ${baseURL} did not answer within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseURL,
    port,
    dbFile,
    output: () => output,
    async kill(signal, times = 1) {
      const sentAt = Date.now();
      for (let i = 0; i < times; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 20));
        child.kill(signal);
      }
      const how = await exited;
      return { ...how, ms: Date.now() - sentAt };
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
