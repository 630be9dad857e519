import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { hashPassword } from "../auth/passwords";
import type { Db } from "../stores/tx";

// Several Tidemark instances behind a load balancer share one database. Each "instance" here has its own
// module graph (as a separate process has: nothing in memory is shared) and its own Prisma client.
const database = createTempDatabase();
const clients: Db[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect()));
  database.remove();
});

type Login = (typeof import("./auth"))["login"];

async function startInstance(): Promise<{ login: Login; db: Db }> {
  vi.resetModules();
  const { login } = await import("./auth");
  const db = database.client();
  clients.push(db);
  return { login, db };
}

/** An instance in a process of its own (lib/testing/sign-in-process.ts), for attempts that truly run in parallel. */
async function startInstanceProcess(): Promise<{ attempt(name: string, password: string, client: string, now: number, count: number): Promise<string[]>; stop(): void }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "../../testing/sign-in-process.ts"), database.url], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`the sign-in process ended (exit code ${child.exitCode})`);
    return line.value;
  };
  expect(await nextLine()).toBe("ready");
  return {
    async attempt(name, password, client, now, count) {
      child.stdin.write(`${JSON.stringify({ name, password, client, now, count })}\n`);
      return JSON.parse(await nextLine()) as string[];
    },
    stop: () => child.stdin.end(),
  };
}

const code = (p: Promise<unknown>) => p.then(() => "none", (e: { code?: string }) => e.code ?? String(e));
const PASSWORD = "right-password-1";
const addUser = async (db: Db, name: string) => db.user.create({ data: { id: name, name, role: "viewer", passwordHash: await hashPassword(PASSWORD) } });

// Each sign-in costs a scrypt hash (tens of ms, far more on a loaded machine).
describe("sign-in limits are shared by instances on one database", { timeout: 60_000 }, () => {
  it("guesses spread over two instances count together: the 6th wrong password for a name from one address is refused", async () => {
    const a = await startInstance();
    const b = await startInstance();
    await addUser(a.db, "spread");
    const now = () => Date.parse("2026-12-04T10:00:00Z");
    for (const instance of [a, b, a, b, a]) expect(await code(instance.login(instance.db, "spread", "wrong-password", "203.0.113.9", now))).toBe("BAD_CREDENTIALS");
    expect(await code(b.login(b.db, "spread", "wrong-password", "203.0.113.9", now))).toBe("TOO_MANY_ATTEMPTS");
    expect(await code(a.login(a.db, "spread", PASSWORD, "203.0.113.9", now))).toBe("TOO_MANY_ATTEMPTS");
    // The owner, from an address with no failures, signs in on either instance.
    expect((await b.login(b.db, "spread", PASSWORD, "192.0.2.10", now)).user.name).toBe("spread");
  });

  it("with one failure left in the budget, attempts fired at once on two instances (processes) let exactly one through", async () => {
    const a = await startInstance();
    await addUser(a.db, "racing");
    const now = Date.parse("2026-12-04T11:00:00Z");
    for (let i = 0; i < 4; i++) expect(await code(a.login(a.db, "racing", "wrong-password", "203.0.113.20", () => now))).toBe("BAD_CREDENTIALS");
    const [b, c] = await Promise.all([startInstanceProcess(), startInstanceProcess()]);
    try {
      const codes = (await Promise.all([b, c].map((instance) => instance.attempt("racing", "wrong-password", "203.0.113.20", now, 5)))).flat();
      expect(codes.filter((c) => c === "BAD_CREDENTIALS")).toHaveLength(1);
      expect(codes.filter((c) => c === "TOO_MANY_ATTEMPTS")).toHaveLength(9);
    } finally {
      b.stop();
      c.stop();
    }
  });

  it("a success on one instance clears the (name, address) count the other instance sees", async () => {
    const a = await startInstance();
    const b = await startInstance();
    await addUser(a.db, "forgiven");
    const now = () => Date.parse("2026-12-04T12:00:00Z");
    for (let i = 0; i < 4; i++) expect(await code(a.login(a.db, "forgiven", "wrong-password", "203.0.113.30", now))).toBe("BAD_CREDENTIALS");
    expect((await b.login(b.db, "forgiven", PASSWORD, "203.0.113.30", now)).user.name).toBe("forgiven");
    // Five more failures are free again on the other instance.
    for (let i = 0; i < 5; i++) expect(await code(a.login(a.db, "forgiven", "wrong-password", "203.0.113.30", now))).toBe("BAD_CREDENTIALS");
    expect(await code(b.login(b.db, "forgiven", "wrong-password", "203.0.113.30", now))).toBe("TOO_MANY_ATTEMPTS");
  });
});
