import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "@/lib/domain/ports";
import { createTempDatabase, testingOnPostgres, waitFor } from "@/lib/testing/temp-db";
import { JobLeases, SILENT_INSTANCE_KEPT_MS } from "./job-leases";
import { heartbeat, liveInstanceIds } from "./instance-store";
import { claimLeases, databaseNowMs, ensureLeases, fenceCheck, LeaseLostError, releaseLease, renewLease } from "./lease-store";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Leases on a real database (SQLite here; the `postgres` project runs this file on PostgreSQL too). */
describe(`leases on ${testingOnPostgres ? "PostgreSQL" : "SQLite"}`, () => {
  const database = createTempDatabase();
  const a = database.client();
  const b = database.client();
  afterAll(async () => {
    await a.$disconnect();
    await b.$disconnect();
    database.remove();
  });

  it("the database clock is the clock", async () => {
    const now = await databaseNowMs(a);
    expect(Math.abs(now - Date.now())).toBeLessThan(5_000);
  });

  it("claims are exclusive, raise the epoch, and take free or expired leases only", async () => {
    const names = ["t1:a", "t1:b", "t1:c", "t1:d"];
    await ensureLeases(a, names);
    await ensureLeases(b, names); // idempotent
    const [first, second] = await Promise.all([claimLeases(a, "A", names, 2, 60_000), claimLeases(b, "B", names, 3, 60_000)]);
    const all = [...first, ...second].map((l) => l.name).sort();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(4);
    for (const l of [...first, ...second]) expect(l.epoch).toBe(1);
    // Nothing free is left, whoever asks.
    expect(await claimLeases(a, "C", names, 4, 60_000)).toEqual([]);
  });

  it("an expired lease goes to the next claimer with a higher epoch; the old owner's renewal and fenced writes are refused", async () => {
    const name = "t2:job";
    await ensureLeases(a, [name]);
    const [mine] = await claimLeases(a, "A", [name], 1, 300);
    expect(await renewLease(a, "A", mine, 300)).toBe(true);
    expect(await claimLeases(b, "B", [name], 1, 60_000)).toEqual([]);
    await sleep(450);
    const [theirs] = await claimLeases(b, "B", [name], 1, 60_000);
    expect(theirs).toEqual({ name, epoch: mine.epoch + 1 });
    expect(await renewLease(a, "A", mine, 300)).toBe(false);
    await expect(a.$transaction((tx) => fenceCheck(tx, "A", mine))).rejects.toBeInstanceOf(LeaseLostError);
    await b.$transaction((tx) => fenceCheck(tx, "B", theirs));
    // A release by the old owner changes nothing; the owner's own release frees it at once.
    await releaseLease(a, "A", mine);
    expect(await claimLeases(a, "A", [name], 1, 60_000)).toEqual([]);
    await releaseLease(b, "B", theirs);
    expect((await claimLeases(a, "A", [name], 1, 60_000))[0]?.epoch).toBe(theirs.epoch + 1);
  });

  // SQLite admits one writer: the fence's write lock holds claims off by construction (and better-sqlite3
  // waits for a lock synchronously, so two clients in one test process would block each other).
  it.runIf(testingOnPostgres)("a claim cannot slip in between an owner's fence check and its commit", async () => {
    const name = "t3:job";
    await ensureLeases(a, [name]);
    const [mine] = await claimLeases(a, "A", [name], 1, 200);
    await sleep(300); // expired, but nobody has claimed it: the owner's epoch still holds
    let committedAt = 0;
    let claimedAt = 0;
    const commit = a.$transaction(async (tx) => {
      await fenceCheck(tx, "A", mine);
      await sleep(600);
      await tx.instance.create({ data: { id: "t3-proof", host: "h", pid: 1, version: "v", startedAt: 0n, heartbeatAt: 0n } });
      committedAt = Date.now();
    });
    await sleep(150);
    // The claim skips the locked row while the owner's transaction is open.
    const claim = claimLeases(b, "B", [name], 1, 60_000).then((got) => ((claimedAt = Date.now()), got));
    await commit;
    const got = await claim;
    expect(await a.instance.count({ where: { id: "t3-proof" } })).toBe(1);
    expect(got).toEqual([]);
    expect(claimedAt).toBeLessThan(committedAt);
    expect((await claimLeases(b, "B", [name], 1, 60_000))[0]?.epoch).toBe(mine.epoch + 1);
  });

  it("instances share the wanted jobs fairly and take over a dead instance's jobs after the TTL", async () => {
    const ttlMs = 1_500;
    const jobs = Array.from({ length: 10 }, (_, i) => `fair-${i}`);
    const lost: string[] = [];
    const identity = (id: string) => ({ id, host: "h", pid: 1, version: "t" });
    const make = (id: string) => new JobLeases({ db: database.client(), clock: systemClock, identity: identity(id), ttlMs, solo: false, onLost: (j) => lost.push(j) });
    const [i1, i2, i3] = [make("i1"), make("i2"), make("i3")];
    // i1 and i2 heartbeat and renew; i3 beats once and then dies.
    await i1.start();
    await i2.start();
    await heartbeat(a, identity("i3"));
    expect((await liveInstanceIds(a, ttlMs)).filter((id) => /^i\d$/.test(id))).toEqual(["i1", "i2", "i3"]);
    for (let round = 0; round < 2; round++) for (const m of [i1, i2, i3]) await m.balance(jobs);
    const held = [i1, i2, i3].map((m) => jobs.filter((j) => m.holds(j)));
    expect(held.flat().sort()).toEqual([...jobs].sort());
    for (const h of held) expect(h.length).toBeGreaterThan(0);
    for (const h of held) expect(h.length).toBeLessThanOrEqual(4);

    // After the TTL i3 is neither live nor holding: the other two share all ten, five each.
    await sleep(ttlMs + 500);
    for (let round = 0; round < 2; round++) for (const m of [i1, i2]) await m.balance(jobs);
    const after = [i1, i2].map((m) => jobs.filter((j) => m.holds(j)));
    expect(after.flat().sort()).toEqual([...jobs].sort());
    for (const h of after) expect(h.length).toBe(5);
    expect(lost).toEqual([]);

    // A graceful stop releases at once: i2 takes all ten on its next balance.
    await i1.stop();
    await i2.balance(jobs);
    expect(jobs.filter((j) => i2.holds(j))).toHaveLength(10);
    await i2.stop();
  });

  it("a starting instance forgets instances silent for longer than a day, and keeps the others listed", async () => {
    const now = BigInt(await databaseNowMs(a));
    const day = BigInt(SILENT_INSTANCE_KEPT_MS);
    const row = (id: string, heartbeatAt: bigint) => ({ id, host: "h", pid: 1, version: "v", startedAt: heartbeatAt, heartbeatAt });
    await a.instance.createMany({ data: [row("killed-long-ago", now - day - 60_000n), row("killed-an-hour-ago", now - 3_600_000n)] });
    const starting = new JobLeases({ db: database.client(), clock: systemClock, identity: { id: "starting", host: "h", pid: 1, version: "t" }, ttlMs: 1_000, solo: false, onLost: () => {} });
    await starting.start();
    const ids = (await a.instance.findMany({ select: { id: true } })).map((r) => r.id);
    expect(ids).not.toContain("killed-long-ago");
    expect(ids).toEqual(expect.arrayContaining(["killed-an-hour-ago", "starting"]));
    await starting.stop();
  });

  it("a renewal that finds the lease taken marks the runner's fence lost and reports the job", async () => {
    const lost: string[] = [];
    const leases = new JobLeases({ db: database.client(), clock: systemClock, identity: { id: "r1", host: "h", pid: 1, version: "t" }, ttlMs: 600, solo: false, onLost: (j) => lost.push(j) });
    await leases.start();
    await leases.balance(["renew-job"]);
    expect(leases.holds("renew-job")).toBe(true);
    const fence = leases.fence("renew-job");
    await sleep(700); // renewed meanwhile: still held
    expect([fence.lost, lost]).toEqual([false, []]);
    await a.lease.update({ where: { name: "job:renew-job" }, data: { owner: "r2", epoch: { increment: 1 } } });
    await waitFor(async () => fence.lost, "the next renewal to notice", 5_000, 20);
    expect([lost, leases.holds("renew-job")]).toEqual([["renew-job"], false]);
    await leases.stop();
  });
});
