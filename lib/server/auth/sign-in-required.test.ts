/**
 * The API as route handlers see requests, on a real SQLite file, with no admin password in the
 * environment: what a server restarted without TIDEMARK_ADMIN_PASSWORD answers, and how every
 * credential path fails closed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/auth/me/route";
import { GET as audit } from "@/app/api/audit/route";
import { POST as createJob } from "@/app/api/jobs/route";
import { GET as users, POST as createUser } from "@/app/api/users/route";
import { createTempDatabase } from "@/lib/testing/temp-db";
import type { Db } from "../stores/tx";
import { sha256 } from "./secrets";

delete process.env.TIDEMARK_ADMIN_PASSWORD;
delete process.env.TIDEMARK_ADMIN_PASSWORD_HASH;

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const call = async (handler: Handler, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
  const response = await handler(new Request("http://127.0.0.1:3000/api/x", { method: init.method ?? "GET", headers: { host: "127.0.0.1:3000", ...init.headers }, body: init.body }), {
    params: Promise.resolve({}),
  });
  return { status: response.status, body: await response.json() };
};

/** For the tests of the describe block, the route handlers' database (web().db) is a temp file; nothing here needs Kafka. */
function useDatabase(): Db {
  const temp = createTempDatabase();
  const db = temp.client();
  beforeAll(() => {
    (globalThis as unknown as { tidemarkWeb?: unknown }).tidemarkWeb = { db, kafkaLog: null };
  });
  afterAll(async () => {
    await db.$disconnect();
    temp.remove();
  });
  return db;
}

describe("a server restarted without TIDEMARK_ADMIN_PASSWORD, its database holding users", () => {
  const db = useDatabase();
  beforeAll(async () => {
    // As an earlier run with the password left it: the bootstrap admin, a viewer, a session, tokens.
    await db.user.create({ data: { id: "u-admin", name: "admin", role: "admin", passwordHash: "x" } });
    await db.user.create({ data: { id: "u-ann", name: "ann", role: "operator", passwordHash: "x" } });
    await db.session.create({ data: { id: sha256("admin-cookie"), userId: "u-admin", expiresAt: new Date(Date.now() + 3600_000) } });
    const token = (name: string, role: string, createdBy: string) => ({ id: name, name, role, tokenHash: sha256(`tmk_${name}`), prefix: "tmk_", createdBy });
    await db.apiToken.createMany({
      data: [token("by-admin", "admin", "user:admin"), token("by-ann", "operator", "user:ann"), token("made-locally", "admin", "local"), token("by-ann-admin", "admin", "user:ann")],
    });
  });

  it("stays in authenticated mode: anonymous requests get 401 and read nothing", async () => {
    expect(await call(me)).toEqual({ status: 200, body: { mode: "authenticated", user: null } });
    for (const handler of [users, audit]) expect(await call(handler)).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
    const created = await call(createJob, { method: "POST", body: JSON.stringify({ name: "sneaky", topics: ["t"], processor: "count-by-key" }) });
    expect(created).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
    expect(await db.job.count()).toBe(0);
  });

  it("answers a reverse proxy's Host: 127.0.0.1 the same way (it used to be the local admin)", async () => {
    const viaProxy = await call(users, { headers: { host: "127.0.0.1:3000", "x-forwarded-for": "203.0.113.9" } });
    expect(viaProxy.status).toBe(401);
  });

  it("lets a signed-in session and a token of an enabled owner in", async () => {
    expect((await call(users, { headers: { cookie: "tidemark_session=admin-cookie" } })).status).toBe(200);
    expect((await call(users, { headers: { authorization: "Bearer tmk_by-admin" } })).status).toBe(200);
  });

  it("fails closed with 401, never 500, on credentials it cannot read", async () => {
    const unreadable: Record<string, string>[] = [
      { cookie: "tidemark_session=%zz" },
      { cookie: "tidemark_session=%E0%A4%A" },
      { authorization: "Bearer" },
      { authorization: "Bearer a b" },
      { authorization: "Bearer tmk_unknown" },
    ];
    for (const headers of unreadable) {
      expect(await call(users, { headers }), JSON.stringify(headers)).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
    }
    // Public routes answer as for anyone.
    expect(await call(me, { headers: { cookie: "tidemark_session=%zz" } })).toEqual({ status: 200, body: { mode: "authenticated", user: null } });
  });

  it("a token acts for its owner: disabled owner 401, never more than the owner's role, none made in local mode", async () => {
    expect((await call(audit, { headers: { authorization: "Bearer tmk_by-ann" } })).status).toBe(200);
    // ann is an operator: her admin-role token may read, but not manage users.
    expect(await call(users, { headers: { authorization: "Bearer tmk_by-ann-admin" } })).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
    await db.user.update({ where: { id: "u-ann" }, data: { disabledAt: new Date() } });
    expect(await call(audit, { headers: { authorization: "Bearer tmk_by-ann" } })).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
    expect(await call(audit, { headers: { authorization: "Bearer tmk_made-locally" } })).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
  });
});

describe("local mode: no users in the database, no password", () => {
  useDatabase();

  it("answers loopback requests as the local admin, refuses other Host names, and creates no users", async () => {
    expect(await call(me)).toEqual({ status: 200, body: { mode: "local", user: { name: "local", role: "admin", kind: "local" } } });
    expect(await call(users)).toEqual({ status: 200, body: { items: [], next: null } });
    expect(await call(users, { headers: { host: "evil.example:3000" } })).toMatchObject({ status: 403, body: { error: { code: "HOST_NOT_ALLOWED" } } });
    const created = await call(createUser, { method: "POST", body: JSON.stringify({ name: "ann", password: "password-123", role: "admin" }) });
    expect(created).toMatchObject({ status: 409, body: { error: { code: "SIGN_IN_OFF" } } });
  });
});
