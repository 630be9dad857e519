import { expect, request as playwrightRequest, test } from "@playwright/test";
import { spawnServer } from "./spawn-server";

/**
 * Failed sign-ins are limited per client address. Each test runs a server of its own in
 * authenticated mode (tripping the limit there locks nobody else out), without Kafka or runtime.
 */
const ADMIN_PASSWORD = "rate-limit-admin-1";
const own = (env: Record<string, string> = {}) => spawnServer({ TIDEMARK_ADMIN_PASSWORD: ADMIN_PASSWORD, TIDEMARK_RUNTIME: "0", KAFKA_BROKERS: "127.0.0.1:1", ...env });

test("20 failed sign-ins from one address lock it out, and rotating X-Forwarded-For (or Forwarded, X-Real-IP) does not get around it", async () => {
  const server = await own();
  try {
    const client = await playwrightRequest.newContext({ baseURL: server.baseURL });
    const login = (name: string, password: string, n: number) =>
      client.post("/api/auth/login", { data: { name, password }, headers: { "x-forwarded-for": `10.${n}.0.1`, forwarded: `for=10.${n}.0.2`, "x-real-ip": `10.${n}.0.3` } });
    // Different names each time, so the per-name limit (5) never trips: only the per-address one can.
    for (let i = 0; i < 20; i++) expect((await login(`nobody-${i}`, "wrong-password", i)).status(), `attempt ${i + 1}`).toBe(401);
    const limited = await login("admin", ADMIN_PASSWORD, 99);
    expect(limited.status()).toBe(429);
    expect((await limited.json()).error).toMatchObject({ code: "TOO_MANY_ATTEMPTS", details: { retryAfterSeconds: expect.any(Number) } });
  } finally {
    await server.stop();
  }
});

test("behind a trusted proxy (TIDEMARK_TRUST_PROXY=1) the address the proxy appended to X-Forwarded-For is the client, and X-Forwarded-Proto makes the cookie Secure", async () => {
  const server = await own({ TIDEMARK_TRUST_PROXY: "1" });
  try {
    const client = await playwrightRequest.newContext({ baseURL: server.baseURL });
    // A client's own X-Forwarded-For entries come first; the proxy appends the address it saw.
    const login = (name: string, password: string, forwardedFor: string, proto = "http") =>
      client.post("/api/auth/login", { data: { name, password }, headers: { "x-forwarded-for": forwardedFor, "x-forwarded-proto": proto } });
    for (let i = 0; i < 20; i++) expect((await login(`nobody-${i}`, "wrong-password", `6.6.6.${i}, 10.0.0.1`)).status()).toBe(401);
    expect((await login("admin", ADMIN_PASSWORD, "6.6.6.99, 10.0.0.1")).status()).toBe(429);
    const other = await login("admin", ADMIN_PASSWORD, "10.0.0.2", "https");
    expect(other.status()).toBe(200);
    expect(other.headers()["set-cookie"]).toMatch(/;\s*Secure/i);
  } finally {
    await server.stop();
  }
});
