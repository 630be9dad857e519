import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, request as playwrightRequest, test } from "@playwright/test";
import { spawnServer } from "./spawn-server";

/**
 * Sign-in is sticky: a server started with TIDEMARK_ADMIN_PASSWORD, given users, then restarted without
 * it stays in authenticated mode (issue 13). Only `npm run users:reset-local -- --yes` goes back to local
 * mode. Servers of their own on one database file, without Kafka or runtime.
 */
const ADMIN_PASSWORD = "sticky-admin-password";
const quiet = { TIDEMARK_RUNTIME: "0", KAFKA_BROKERS: "127.0.0.1:1" };

test("restarted without TIDEMARK_ADMIN_PASSWORD, the API still wants sign-in; users:reset-local turns it off", async () => {
  test.setTimeout(240_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-e2e-sticky-"));
  const dbFile = path.join(dir, "tidemark.db");
  try {
    // 1. With the password: sign in as the admin and add a user.
    let server = await spawnServer({ ...quiet, TIDEMARK_ADMIN_PASSWORD: ADMIN_PASSWORD }, undefined, dbFile);
    const admin = await playwrightRequest.newContext({ baseURL: server.baseURL, extraHTTPHeaders: { origin: server.baseURL } });
    expect((await admin.post("/api/auth/login", { data: { name: "admin", password: ADMIN_PASSWORD } })).status()).toBe(200);
    expect((await admin.post("/api/users", { data: { name: "ann", password: "ann-password-1", role: "viewer" } })).status()).toBe(201);
    await admin.dispose();
    await server.stop();

    // 2. Without it, on the same database, listening on every interface (allowed: sign-in is on).
    server = await spawnServer(quiet, ["-H", "0.0.0.0"], dbFile);
    const anonymous = await playwrightRequest.newContext({ baseURL: server.baseURL });
    expect(await (await anonymous.get("/api/auth/me")).json()).toEqual({ mode: "authenticated", user: null });
    for (const url of ["/api/users", "/api/audit", "/api/jobs", "/api/tokens"]) {
      const response = await anonymous.get(url);
      expect(response.status(), url).toBe(401);
      expect((await response.json()).error.code).toBe("UNAUTHENTICATED");
    }
    // A reverse proxy on the same host that sends Host: 127.0.0.1 gets nothing more.
    expect((await anonymous.post("/api/jobs", { headers: { host: "127.0.0.1:3000" }, data: { name: "x", topics: ["t"], processor: "count-by-key" } })).status()).toBe(401);
    // A malformed session cookie is no credential: 401, not 500.
    expect((await anonymous.get("/api/users", { headers: { cookie: "tidemark_session=%zz" } })).status()).toBe(401);
    // The admin still signs in with the password stored in the database.
    const again = await playwrightRequest.newContext({ baseURL: server.baseURL, extraHTTPHeaders: { origin: server.baseURL } });
    expect((await again.post("/api/auth/login", { data: { name: "admin", password: ADMIN_PASSWORD } })).status()).toBe(200);
    expect((await (await again.get("/api/users")).json()).items.map((u: { name: string }) => u.name)).toEqual(["admin", "ann"]);
    await again.dispose();
    await anonymous.dispose();
    await server.stop();

    // 3. The explicit way back: without --yes it only says what it would do; with it, local mode again.
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${dbFile}` };
    delete env.TIDEMARK_ADMIN_PASSWORD;
    const run = (args: string[]) => execFileSync(process.execPath, [path.join(__dirname, "../node_modules/tsx/dist/cli.mjs"), "scripts/users-reset-local.ts", ...args], { cwd: path.join(__dirname, ".."), env, encoding: "utf8", stdio: "pipe" });
    const dryRun = (() => {
      try {
        run([]);
        return { status: 0, stdout: "" };
      } catch (error) {
        return error as { status: number; stdout: string };
      }
    })();
    expect(dryRun.status).toBe(1);
    expect(dryRun.stdout).toMatch(/would delete 2 user\(s\) \(admin, ann\)/);
    expect(run(["--yes"])).toMatch(/deleted 2 user\(s\)/);
    server = await spawnServer(quiet, undefined, dbFile);
    const local = await playwrightRequest.newContext({ baseURL: server.baseURL });
    expect(await (await local.get("/api/auth/me")).json()).toEqual({ mode: "local", user: { name: "local", role: "admin", kind: "local" } });
    const audit = (await (await local.get("/api/audit?limit=5")).json()).items;
    expect(audit[0]).toMatchObject({ action: "auth.reset-local", details: { before: { users: [{ name: "admin" }, { name: "ann" }] }, after: { mode: "local" } } });
    await local.dispose();
    await server.stop();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
