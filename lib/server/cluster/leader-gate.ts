import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Clock } from "@/lib/domain/ports";
import { createPrismaClient } from "../db/client";
import { databaseKind } from "../db/database-url";
import { startServices, type Lifecycle, type Service } from "../lifecycle";
import { runPeriodically } from "../periodic-loop";
import type { Db } from "../stores/tx";
import { claimLeases, ensureLeases, leaderLeaseName, leaseHeld, releaseLease, renewLease, type HeldLease } from "./lease-store";

/** What the parts of one leadership term may ask. */
export interface LeaderTerm {
  /** The lease is still this term's and unexpired, on the database clock: checked right before an effect that must happen once. */
  stillLeading(): Promise<boolean>;
}

export interface LeaderGateOptions {
  /** The lease's group: "leader:<group>". */
  group: string;
  databaseUrl: string;
  clock: Clock;
  ttlMs: number;
  say?: (message: string) => void;
}

/**
 * Services that must run once in the cluster (lag sampling, alert evaluation and delivery, pruning, the
 * demo traffic), as one service: they start on the instance that holds the group's leader lease and stop
 * the moment a renewal fails. Other instances keep trying every TTL/3 and take over after the TTL.
 * On SQLite there is one instance: the parts simply run. (A lease there would also cost a connection of
 * its own, and better-sqlite3 waits for a lock synchronously: a second connection in one thread can
 * stall the thread's own transaction until the busy timeout.)
 */
export function leaderGated(makeServices: (term: LeaderTerm) => Service[], opts: LeaderGateOptions): Service & { leading(): boolean } {
  const say = opts.say ?? ((m: string) => console.log(`[tidemark] ${m}`));
  const owner = `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const name = leaderLeaseName(opts.group);
  if (databaseKind(opts.databaseUrl) !== "postgresql") return alwaysLeading(makeServices, opts.group);
  const abort = new AbortController();
  let db: Db | null = null;
  let lease: HeldLease | null = null;
  let inner: Lifecycle | null = null;
  let loop: Promise<void> | null = null;
  let names = "";

  const lose = async (why: string) => {
    lease = null;
    say(`${opts.group}: ${why}; stopping ${names}`);
    await inner?.stop();
    inner = null;
  };

  const tick = async () => {
    if (!db || abort.signal.aborted) return;
    if (lease) {
      if (!(await renewLease(db, owner, lease, opts.ttlMs))) await lose("leader lease taken by another instance");
      return;
    }
    const [got] = await claimLeases(db, owner, [name], 1, opts.ttlMs);
    if (!got || abort.signal.aborted) return;
    lease = got;
    // Fresh parts for each term: a part once stopped is not started again.
    const held = got;
    const services = makeServices({ stillLeading: () => (db ? leaseHeld(db, owner, held) : Promise.resolve(false)) });
    names = services.map((s) => s.name).join(", ");
    say(`${opts.group}: this instance leads (epoch ${got.epoch}); starting ${names}`);
    inner = await startServices(services);
  };

  return {
    name: `${opts.group} (leader only)`,
    leading: () => lease !== null,
    async start() {
      // One statement at a time: one connection.
      db = createPrismaClient(opts.databaseUrl, { busyTimeoutMs: 30_000, poolSize: 1 });
      await ensureLeases(db, [name]);
      await tick();
      loop = runPeriodically({ clock: opts.clock, intervalMs: Math.max(50, Math.floor(opts.ttlMs / 3)), signal: abort.signal, tick, activity: `${opts.group} leader lease`, say });
    },
    beginStop() {
      abort.abort();
    },
    async stop() {
      abort.abort();
      await loop;
      await inner?.stop();
      inner = null;
      if (db && lease) await releaseLease(db, owner, lease).catch(() => {});
      lease = null;
      await db?.$disconnect();
      db = null;
    },
  };
}

/** One machine: the parts run for as long as the service runs. */
function alwaysLeading(makeServices: (term: LeaderTerm) => Service[], group: string): Service & { leading(): boolean } {
  let inner: Lifecycle | null = null;
  return {
    name: `${group} (one instance)`,
    leading: () => inner !== null,
    async start() {
      inner = await startServices(makeServices({ stillLeading: async () => inner !== null }));
    },
    async stop() {
      await inner?.stop();
      inner = null;
    },
  };
}
