import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/** Two servers on one broker: local mode (no sign-in) and authenticated mode. */
const localPort = Number(process.env.E2E_PORT ?? 3100);
const authPort = localPort + 1;
const runDir = process.env.E2E_RUN_DIR ?? path.join(os.tmpdir(), `tidemark-e2e-${process.pid}`);
process.env.E2E_RUN_DIR = runDir;
export const e2eAdminPassword = "e2e-admin-password";

const launchOptions = {
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};

const server = (port: number, name: string, env: Record<string, string> = {}) => ({
  command: "node_modules/.bin/tsx scripts/test/e2e-server.ts",
  url: `http://127.0.0.1:${port}/api/health`,
  timeout: 180_000,
  reuseExistingServer: false,
  stdout: "pipe" as const,
  stderr: "pipe" as const,
  env: { E2E_PORT: String(port), E2E_DB_FILE: path.join(runDir, `${name}.db`), ...env },
});

export default defineConfig({
  testDir: "e2e",
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: { trace: "retain-on-failure", screenshot: "only-on-failure", launchOptions },
  projects: [
    { name: "local", testIgnore: /auth\//, use: { baseURL: `http://127.0.0.1:${localPort}` } },
    { name: "auth", testMatch: /auth\/.*\.spec\.ts/, use: { baseURL: `http://127.0.0.1:${authPort}` } },
  ],
  webServer: [server(localPort, "local"), server(authPort, "auth", { TIDEMARK_ADMIN_PASSWORD: e2eAdminPassword })],
});
