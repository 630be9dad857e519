import { beforeAll, describe, expect, it } from "vitest";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { authenticate, isSameOrigin, originMismatch, SESSION_COOKIE, sessionCookieOptions } from "./authenticate";
import { sha256 } from "./secrets";

// Sign-in on, with a 30-minute idle timeout (env() is read lazily, once per test file).
process.env.TIDEMARK_ADMIN_PASSWORD = "unit-test-password";
process.env.TIDEMARK_SESSION_IDLE_MINUTES = "30";

describe("session idle timeout", () => {
  const db = tempDatabaseForTests();
  const t0 = new Date("2026-01-01T10:00:00Z");
  const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);
  const withCookie = (cookie: string) => new Request("http://127.0.0.1/api/jobs", { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });

  beforeAll(async () => {
    await db.user.create({ data: { id: "u1", name: "ann", role: "operator", passwordHash: "x" } });
  });

  async function newSession(cookie: string) {
    await db.session.create({ data: { id: sha256(cookie), userId: "u1", createdAt: t0, lastSeenAt: t0, expiresAt: minutes(30 * 24 * 60) } });
  }

  it("keeps a session that is used within the idle timeout, sliding it along", async () => {
    await newSession("cookie-a");
    expect((await authenticate(withCookie("cookie-a"), db, minutes(29)))?.actor).toBe("user:ann");
    // Used at minute 29, so still alive at minute 58 (29 minutes after that use) ...
    expect((await authenticate(withCookie("cookie-a"), db, minutes(58)))?.actor).toBe("user:ann");
    // ... and signed out once it has been idle for longer than the timeout.
    expect(await authenticate(withCookie("cookie-a"), db, minutes(58 + 31))).toBeNull();
    expect(await db.session.count({ where: { id: sha256("cookie-a") } })).toBe(0);
  });

  it("ends a session idle for longer than the timeout, and it stays ended", async () => {
    await newSession("cookie-b");
    expect(await authenticate(withCookie("cookie-b"), db, minutes(31))).toBeNull();
    expect(await authenticate(withCookie("cookie-b"), db, minutes(1))).toBeNull(); // deleted, not just refused
  });

  it("ends a session at its absolute expiry even when in use", async () => {
    await db.session.create({ data: { id: sha256("cookie-c"), userId: "u1", createdAt: t0, lastSeenAt: minutes(100), expiresAt: minutes(110) } });
    expect(await authenticate(withCookie("cookie-c"), db, minutes(111))).toBeNull();
  });
});

describe("credentials that cannot be read", () => {
  const db = tempDatabaseForTests();
  it("count as none (null: 401 on protected routes), never as an error", async () => {
    const unreadable: Record<string, string>[] = [{ cookie: `${SESSION_COOKIE}=%zz` }, { cookie: `${SESSION_COOKIE}=%` }, { authorization: "Bearer" }, { authorization: "Bearer two words" }];
    for (const headers of unreadable) {
      expect(await authenticate(new Request("http://127.0.0.1/api/jobs", { headers }), db), JSON.stringify(headers)).toBeNull();
    }
  });
});

describe("session cookie attributes", () => {
  const maxAge = 3600;
  it("is HttpOnly and SameSite=Lax, and Secure on an HTTPS request", () => {
    expect(sessionCookieOptions(new Request("https://tidemark.example/api/auth/login"), maxAge, false)).toEqual({ httpOnly: true, sameSite: "lax", secure: true, path: "/", maxAge });
    expect(sessionCookieOptions(new Request("http://127.0.0.1:3000/api/auth/login"), maxAge, false).secure).toBe(false);
  });
  it("believes X-Forwarded-Proto only from a trusted proxy", () => {
    const viaProxy = new Request("http://127.0.0.1:3000/api/auth/login", { headers: { "x-forwarded-proto": "https" } });
    expect(sessionCookieOptions(viaProxy, maxAge, true).secure).toBe(true);
    expect(sessionCookieOptions(viaProxy, maxAge, false).secure).toBe(false);
  });
});

describe("origin checks", () => {
  const post = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/api/jobs", { method: "POST", headers: { host: "127.0.0.1:3000", ...headers } });
  const user = { kind: "user" as const, name: "ann", role: "admin" as const, actor: "user:ann" };
  const token = { kind: "token" as const, name: "ci", role: "admin" as const, actor: "token:ci" };

  it("refuses an Origin that names another host, and one that is not a URL", () => {
    expect(originMismatch(post({ origin: "http://127.0.0.1:3000" }), false)).toBe(false);
    expect(originMismatch(post({ origin: "http://evil.example" }), false)).toBe(true);
    expect(originMismatch(post({ origin: "null" }), false)).toBe(true);
    expect(originMismatch(post({}), false)).toBe(false);
  });
  it("believes X-Forwarded-Host only from a trusted proxy", () => {
    const forged = post({ origin: "http://evil.example", "x-forwarded-host": "evil.example" });
    expect(originMismatch(forged, false)).toBe(true);
    expect(originMismatch(forged, true)).toBe(false);
  });
  it("asks a cookie session without Origin for Sec-Fetch-Site: same-origin; a token needs neither", () => {
    expect(isSameOrigin(post({}), user, false)).toBe(false);
    expect(isSameOrigin(post({ "sec-fetch-site": "same-origin" }), user, false)).toBe(true);
    expect(isSameOrigin(post({}), token, false)).toBe(true);
    expect(isSameOrigin(post({ origin: "http://evil.example" }), token, false)).toBe(false);
  });
});
