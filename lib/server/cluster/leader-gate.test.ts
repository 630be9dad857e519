/**
 * The leader gate on a real database: on PostgreSQL one of two instances runs the singletons, the other
 * takes over when the first stops; a term that lost its lease says so, and the alert dispatcher then
 * leaves a delivery for the new leader. On SQLite (one machine) the parts simply run.
 */
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "@/lib/domain/ports";
import { createTempDatabase, testingOnPostgres, waitFor } from "@/lib/testing/temp-db";
import { AlertDispatcher } from "../alerts/alert-dispatcher";
import { defaultTransport } from "../alerts/channels";
import { startRecordingServer } from "../alerts/test-receivers";
import type { Service } from "../lifecycle";
import { leaderGated, type LeaderTerm } from "./leader-gate";
import { leaderLeaseName } from "./lease-store";

const TTL_MS = 1_500;

describe(`the leader gate on ${testingOnPostgres ? "PostgreSQL" : "SQLite"}`, () => {
  const database = createTempDatabase();
  const db = database.client();
  afterAll(async () => {
    await db.$disconnect();
    database.remove();
  });

  /** A gate whose one part records when it runs. */
  const gate = (group: string, log: string[], terms: LeaderTerm[] = []) =>
    leaderGated(
      (term) => {
        terms.push(term);
        const part: Service = { name: "part", start: () => void log.push("start"), stop: () => void log.push("stop") };
        return [part];
      },
      { group, databaseUrl: database.url, clock: systemClock, ttlMs: TTL_MS, say: () => {} },
    );

  it.runIf(testingOnPostgres)("one of two instances leads; the other takes over within TTL/3 of a graceful stop", async () => {
    const [a, b]: string[][] = [[], []];
    const first = gate("g1", a);
    const second = gate("g1", b);
    await first.start();
    await second.start();
    await new Promise((r) => setTimeout(r, TTL_MS));
    expect([first.leading(), second.leading()]).toEqual([true, false]);
    expect(b).toEqual([]);
    await first.stop();
    expect(a).toEqual(["start", "stop"]);
    await waitFor(async () => second.leading(), "the second to lead", TTL_MS, 20);
    expect(b).toEqual(["start"]);
    await second.stop();
  });

  it.runIf(!testingOnPostgres)("on SQLite (one instance) the parts run at once, without a lease row", async () => {
    const log: string[] = [];
    const terms: LeaderTerm[] = [];
    const only = gate("g0", log, terms);
    await only.start();
    expect(only.leading()).toBe(true);
    expect(await terms[0].stillLeading()).toBe(true);
    expect(await db.lease.count({ where: { name: leaderLeaseName("g0") } })).toBe(0);
    await only.stop();
    expect(log).toEqual(["start", "stop"]);
    expect(await terms[0].stillLeading()).toBe(false);
  });

  it.runIf(testingOnPostgres)("a term whose lease was taken says so, and its dispatcher leaves the delivery to the new leader", async () => {
    const terms: LeaderTerm[] = [];
    const log: string[] = [];
    const leader = gate("g2", log, terms);
    await leader.start();
    expect(leader.leading()).toBe(true);
    expect(await terms[0].stillLeading()).toBe(true);

    const posts: string[] = [];
    const receiver = await startRecordingServer((r) => (posts.push(r.body.toString()), 200));
    try {
      const channel = await db.alertChannel.create({ data: { id: "c1", name: "c1", type: "webhook", secret: `${receiver.base}/hook`, enabled: true } });
      const event = await db.alertEvent.create({ data: { at: new Date(), kind: "firing", ruleId: "r", ruleName: "r", severity: "warning", targetKey: "job:x", targetName: "x", value: 1, details: "{}" } });
      const delivery = await db.alertDelivery.create({ data: { eventId: event.id, channelId: channel.id, channelName: "c1", channelType: "webhook", nextAttemptAt: 0n } });

      // Another instance takes the lease (as after this one was paused past the TTL).
      await new Promise((r) => setTimeout(r, 10));
      // In one statement: expiring it first would let the leader's renewal (every TTL/3) slip in between.
      const taken = await db.lease.update({ where: { name: leaderLeaseName("g2") }, data: { owner: "someone-else", epoch: { increment: 1 }, expiresAt: BigInt(Date.now() + 60_000) } });
      expect(taken.owner).toBe("someone-else");
      expect(await terms[0].stillLeading()).toBe(false);

      const dispatcher = new AlertDispatcher({ db, transport: defaultTransport, clock: systemClock, timeoutMs: 2_000, maxAttempts: 3, backoffBaseMs: 100, mayDeliver: terms[0].stillLeading });
      expect(await dispatcher.dispatchDue()).toBe(1);
      await new Promise((r) => setTimeout(r, 500)); // a send takes a few ms here; stop() would abort it
      await dispatcher.stop();
      expect(posts).toEqual([]);
      expect(await db.alertDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ status: "pending", attempts: 0 });

      // The gate notices at its next renewal and stops its parts.
      await waitFor(async () => !leader.leading(), "the gate to notice", TTL_MS, 20);
      expect(log).toEqual(["start", "stop"]);
    } finally {
      await leader.stop();
      await receiver.close();
    }
  });
});
