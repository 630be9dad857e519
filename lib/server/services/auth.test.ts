import { describe, expect, it } from "vitest";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { authMode } from "../auth/auth-mode";
import { hashPassword } from "../auth/passwords";
import { LOCAL_PRINCIPAL, type Principal } from "../auth/principal";
import { createToken, createUser, login, resetToLocalMode } from "./auth";

const code = (p: Promise<unknown>) => p.then(() => "none", (e: { code?: string }) => e.code ?? String(e));
const admin: Principal = { kind: "user", name: "admin", role: "admin", actor: "user:admin", owner: "user:admin" };

// Each sign-in costs a scrypt hash (tens of ms, far more on a loaded machine): these tests get time for dozens.
describe("sign-in throttling (counters are kept in the database, shared by these tests: each uses its own names and addresses)", { timeout: 30_000 }, () => {
  const db = tempDatabaseForTests();
  const password = "right-password-1";
  const addUser = async (name: string, disabled = false) =>
    db.user.create({ data: { id: name, name, role: "admin", passwordHash: await hashPassword(password), disabledAt: disabled ? new Date() : null } });

  it("five wrong passwords for admin from one address do not lock the admin out of their own browser", async () => {
    await addUser("owner");
    const t0 = Date.parse("2026-12-04T10:00:00Z");
    for (let i = 0; i < 5; i++) expect(await code(login(db, "owner", "wrong-password", "203.0.113.9", () => t0 + i))).toBe("BAD_CREDENTIALS");
    // The attacker's address is slowed down ...
    expect(await code(login(db, "owner", "wrong-password", "203.0.113.9", () => t0 + 10))).toBe("TOO_MANY_ATTEMPTS");
    // ... the owner, from an address with no failures, signs in at once.
    const signedIn = await login(db, "owner", password, "192.0.2.10", () => t0 + 10);
    expect(signedIn.user.name).toBe("owner");
  });

  it("slows guessing down with a Retry-After that doubles, rather than locking for a fixed time", async () => {
    await addUser("guessed");
    let now = Date.parse("2026-12-04T11:00:00Z");
    const waits: number[] = [];
    let failures = 0;
    while (failures < 9 && waits.length < 20) {
      const error = (await login(db, "guessed", "wrong-password", "203.0.113.20", () => now).catch((e: unknown) => e)) as { code: string; details: { retryAfterSeconds: number } | null };
      if (error.code === "TOO_MANY_ATTEMPTS") {
        waits.push(error.details!.retryAfterSeconds);
        now += error.details!.retryAfterSeconds * 1000; // waits as told, then guesses again
      } else {
        expect(error.code).toBe("BAD_CREDENTIALS");
        failures++;
      }
    }
    // Five failures free, then 1 s, 2 s, 4 s, 8 s before each further guess.
    expect(waits).toEqual([1, 2, 4, 8]);
  });

  it("counts parallel guesses before the slow check, so firing them all at once gains nothing", { timeout: 60_000 }, async () => {
    await addUser("parallel");
    const now = () => Date.parse("2026-12-04T13:00:00Z");
    const codes = await Promise.all(Array.from({ length: 30 }, () => code(login(db, "parallel", "wrong-password", "203.0.113.30", now))));
    expect(codes.filter((c) => c === "BAD_CREDENTIALS")).toHaveLength(5);
    expect(codes.filter((c) => c === "TOO_MANY_ATTEMPTS")).toHaveLength(25);
  });

  it("answers an unknown name, a wrong password and a disabled user alike (no user enumeration)", async () => {
    await addUser("disabled-one", true);
    const messages = [];
    for (const [name, pw] of [["nobody-at-all", password], ["owner", "wrong-password"], ["disabled-one", password]]) {
      const error = (await login(db, name, pw, "198.51.100.50", () => Date.parse("2026-12-04T12:00:00Z")).catch((e: unknown) => e)) as { code: string; message: string; status: number };
      messages.push([error.code, error.message, error.status]);
    }
    expect(new Set(messages.map((m) => JSON.stringify(m))).size).toBe(1);
    expect(messages[0]).toEqual(["BAD_CREDENTIALS", "wrong user name or password", 401]);
  });
});

describe("users and tokens exist only with sign-in on; going back to local mode is a command", () => {
  const db = tempDatabaseForTests();

  it("refuses to create users or tokens in local mode (the first user would switch sign-in on)", async () => {
    expect(await code(createUser(db, LOCAL_PRINCIPAL, { name: "ann", password: "password-123", role: "viewer" }))).toBe("SIGN_IN_OFF");
    expect(await code(createToken(db, LOCAL_PRINCIPAL, { name: "ci", role: "viewer" }))).toBe("SIGN_IN_OFF");
    expect(await db.user.count()).toBe(0);
    expect(await db.apiToken.count()).toBe(0);
  });

  it("a token made with a token belongs to that token's user", async () => {
    await db.user.create({ data: { id: "admin", name: "admin", role: "admin", passwordHash: "x" } });
    const first = await createToken(db, admin, { name: "ci", role: "admin" });
    expect(first.createdBy).toBe("user:admin");
    const second = await createToken(db, { kind: "token", name: "ci", role: "admin", actor: "token:ci", owner: "user:admin" }, { name: "ci-2", role: "viewer" });
    expect(second.createdBy).toBe("user:admin");
  });

  it("users:reset-local deletes users, sessions and tokens, writes an audit row, and the database reads as local mode", async () => {
    await db.user.create({ data: { id: "bob", name: "bob", role: "viewer", passwordHash: "x", disabledAt: new Date() } });
    await db.session.create({ data: { id: "s1", userId: "admin", expiresAt: new Date(Date.now() + 3600_000) } });
    expect(await authMode(db)).toBe("authenticated");
    const removed = await resetToLocalMode(db, "cli:tester");
    expect(removed).toEqual({ users: ["admin", "bob"], tokens: 2, sessions: 1 });
    expect([await db.user.count(), await db.session.count(), await db.apiToken.count()]).toEqual([0, 0, 0]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "auth.reset-local" } });
    expect(audit.actor).toBe("cli:tester");
    expect(JSON.parse(audit.details)).toEqual({
      before: { users: [{ name: "admin", role: "admin", disabled: false }, { name: "bob", role: "viewer", disabled: true }], tokens: 2, sessions: 1 },
      after: { mode: "local" },
    });
  });
});
