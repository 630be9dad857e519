import { describe, expect, it } from "vitest";
import { DEFAULT_SIGN_IN_LIMITS } from "@/lib/domain/rate-limiter";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { beginSignIn, PRUNE_CHUNK, settleSignIn } from "./sign-in-counters-store";

const MINUTE = 60_000;
const FORGET_AFTER = DEFAULT_SIGN_IN_LIMITS.perClient.forgetAfterMs;

describe("sign-in counters in the database", () => {
  const db = tempDatabaseForTests();
  const fail = async (client: string | null, name: string, now: number) => {
    expect(await beginSignIn(db, client, name, now)).toBe(0);
    await settleSignIn(db, client, name, false, now);
  };

  it("a failed sign-in deletes up to PRUNE_CHUNK expired counters, oldest first, and leaves live ones", async () => {
    const t0 = Date.parse("2026-12-04T08:00:00Z");
    await db.signInCounter.createMany({
      data: Array.from({ length: 2 * PRUNE_CHUNK + 50 }, (_, i) => ({ kind: "user", key: `"old-${i}"`, failures: 3, lastAt: BigInt(t0 - FORGET_AFTER - 1000 + i) })),
    });
    await db.signInCounter.create({ data: { kind: "user", key: '"live"', failures: 3, lastAt: BigInt(t0 - FORGET_AFTER + MINUTE) } });
    await fail("198.51.100.1", "someone", t0);
    const expired = { lastAt: { lt: BigInt(t0 - FORGET_AFTER) } };
    expect(await db.signInCounter.count({ where: expired })).toBe(PRUNE_CHUNK + 50);
    expect(await db.signInCounter.findUnique({ where: { kind_key: { kind: "user", key: '"old-0"' } } })).toBeNull();
    expect(await db.signInCounter.findUnique({ where: { kind_key: { kind: "user", key: `"old-${PRUNE_CHUNK}"` } } })).not.toBeNull();
    await fail("198.51.100.1", "someone", t0);
    await fail("198.51.100.1", "someone", t0);
    expect(await db.signInCounter.count({ where: expired })).toBe(0);
    expect(await db.signInCounter.findUnique({ where: { kind_key: { kind: "user", key: '"live"' } } })).not.toBeNull();
  });

  it("under a spray of new names from new addresses the table holds only the last 15 minutes' counters", { timeout: 60_000 }, async () => {
    const t0 = Date.parse("2026-12-04T09:00:00Z");
    const every = 6_000; // 300 failures in 30 minutes
    for (let i = 0; i < 300; i++) await fail(`10.9.${i >> 8}.${i & 255}`, `spray-${i}`, t0 + i * every);
    const now = t0 + 299 * every;
    const recentFailures = Math.floor(FORGET_AFTER / every) + 1;
    expect(await db.signInCounter.count({ where: { lastAt: { lt: BigInt(now - FORGET_AFTER) } } })).toBe(0);
    expect(await db.signInCounter.count()).toBeLessThanOrEqual(3 * recentFailures + 10);
  });

  it("stores any name: one with a NUL in it is counted like others (PostgreSQL's text holds no NUL)", async () => {
    const t0 = Date.parse("2026-12-04T10:00:00Z");
    for (let i = 0; i < 5; i++) await fail("203.0.113.7", "ad\u0000min", t0);
    expect(await beginSignIn(db, "203.0.113.7", "ad\u0000min", t0)).toBe(1000);
    expect(await beginSignIn(db, "203.0.113.7", "admin", t0)).toBe(0);
  });

  it("a success takes its failure back and forgets the (name, address) pair; a refused attempt writes nothing", async () => {
    const t0 = Date.parse("2026-12-04T11:00:00Z");
    for (let i = 0; i < 3; i++) await fail(null, "ann", t0);
    expect(await beginSignIn(db, null, "ann", t0)).toBe(0);
    await settleSignIn(db, null, "ann", true, t0 + 10);
    const rows = await db.signInCounter.findMany({ where: { OR: [{ kind: "pair" }, { kind: "unknown" }, { key: '"ann"' }] }, orderBy: { kind: "asc" } });
    expect(rows.map((r) => [r.kind, r.failures, Number(r.lastAt) - t0])).toEqual([
      ["unknown", 3, 0],
      ["user", 3, 0],
    ]);
    for (let i = 0; i < 2; i++) await fail("203.0.113.8", "bob", t0);
    for (let i = 0; i < 3; i++) await fail("203.0.113.8", "bob", t0);
    const before = await db.signInCounter.findMany({ orderBy: [{ kind: "asc" }, { key: "asc" }] });
    expect(await beginSignIn(db, "203.0.113.8", "bob", t0)).toBe(1000);
    expect(await db.signInCounter.findMany({ orderBy: [{ kind: "asc" }, { key: "asc" }] })).toEqual(before);
  });
});
