import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { spawnServer } from "./spawn-server";

const root = path.resolve(__dirname, "..");

/** Runs a command to its exit (or kills it after the timeout) and returns its exit code and output. */
function run(command: string, args: string[], env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: env as NodeJS.ProcessEnv });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const cleanEnv = (): Record<string, string | undefined> => {
  const env: Record<string, string | undefined> = { ...process.env, NODE_ENV: "production", TIDEMARK_DEMO: "0" };
  delete env.TIDEMARK_ADMIN_PASSWORD;
  delete env.TIDEMARK_ADMIN_PASSWORD_HASH;
  return env;
};

const next = (...args: string[]) => [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", "0", ...args];
const serverEnv = () => ({ ...cleanEnv(), DATABASE_URL: `file:${path.join(os.tmpdir(), `tidemark-bind-${Date.now()}.db`)}`, KAFKA_BROKERS: "127.0.0.1:1" });

test("the server refuses to listen on 0.0.0.0 without authentication and says how to fix it", async () => {
  const server = await run(process.execPath, next("-H", "0.0.0.0"), serverEnv());
  expect(server.code).toBe(1);
  expect(server.output).toContain("Refusing to listen on 0.0.0.0 without authentication");
  expect(server.output).toContain("TIDEMARK_ADMIN_PASSWORD");

  const start = await run(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], { ...cleanEnv(), HOST: "0.0.0.0", KAFKA_BROKERS: "127.0.0.1:1" });
  expect(start.code).toBe(1);
  expect(start.output).toContain("Refusing to listen on 0.0.0.0 without authentication");
});

test("plain `next start` (Next listens on every interface by default) and --hostname=0.0.0.0 are refused too, whatever HOST says", async () => {
  // No -H at all: Next's default is 0.0.0.0; HOST is not Next's setting and must not hide that.
  const bare = await run(process.execPath, next(), { ...serverEnv(), HOST: "127.0.0.1" });
  expect(bare.code, bare.output).toBe(1);
  expect(bare.output).toMatch(/Refusing to listen on (0\.0\.0\.0|::) without authentication/);
  const long = await run(process.execPath, next("--hostname=0.0.0.0"), serverEnv());
  expect(long.code, long.output).toBe(1);
  expect(long.output).toContain("Refusing to listen on 0.0.0.0 without authentication");
});

test("with sign-in configured the same server starts on 0.0.0.0", async () => {
  const server = await spawnServer({ TIDEMARK_ADMIN_PASSWORD: "bind-admin-password", TIDEMARK_RUNTIME: "0", KAFKA_BROKERS: "127.0.0.1:1" }, ["--hostname=0.0.0.0"]);
  try {
    expect((await fetch(`${server.baseURL}/api/auth/me`)).status).toBe(200);
    expect(server.output()).not.toContain("Refusing");
  } finally {
    await server.stop();
  }
});
