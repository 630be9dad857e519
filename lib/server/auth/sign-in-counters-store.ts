import {
  DEFAULT_SIGN_IN_LIMITS,
  longestForgetAfterMs,
  SIGN_IN_SLOTS,
  signInBegun,
  signInCounterIds,
  signInSettled,
  signInWaitMs,
  type CounterId,
  type FailureCount,
  type SignInCounterIds,
  type SignInCounts,
  type SignInLimits,
} from "@/lib/domain/rate-limiter";
import { dialectSql, sqlDialect } from "../db/sql-dialect";
import type { Db, Tx } from "../stores/tx";

/**
 * Sign-in failure counters in the database (table SignInCounter), so that every instance on one
 * database enforces the same limits; the rules are lib/domain/rate-limiter.ts. README "Access control".
 */

/**
 * Expired counters a failed sign-in deletes at most: more than the three it may add, so expired rows
 * never pile up, and few enough that the delete stays short.
 */
export const PRUNE_CHUNK = 100;

/**
 * Starts a sign-in attempt: the milliseconds it must wait (refused), or 0, and then it has been counted
 * as a failure on every instance's view (see signInBegun), until `settleSignIn`.
 */
export async function beginSignIn(db: Db, client: string | null, name: string, now: number, limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS): Promise<number> {
  const ids = signInCounterIds(client, name);
  // Refused on what is committed: answer without taking a write lock, so a flood of refused attempts
  // costs reads only. A refusal on a moment-old state is as right as one under the lock.
  const waitMs = signInWaitMs(ids, await readCounts(db, ids), limits, now);
  if (waitMs > 0) return waitMs;
  return db.$transaction(async (tx) => {
    const stored = await lockCounts(tx, ids, now);
    const begun = signInBegun(ids, stored, limits, now);
    await writeCounts(tx, ids, stored, begun.counts);
    return begun.waitMs;
  });
}

/** Ends an attempt `beginSignIn` let through: a success takes its failure back, a failure is dated `now`. */
export async function settleSignIn(db: Db, client: string | null, name: string, succeeded: boolean, now: number, limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS): Promise<void> {
  const ids = signInCounterIds(client, name);
  await db.$transaction(async (tx) => {
    const stored = await lockCounts(tx, ids, now);
    await writeCounts(tx, ids, stored, signInSettled(ids, stored, limits, succeeded, now));
    if (!succeeded) await pruneExpiredCounters(tx, now - longestForgetAfterMs(limits));
  });
}

type CounterRow = { kind: string; key: string; failures: number | bigint; lastAt: number | bigint };

async function readCounts(db: Db, ids: SignInCounterIds): Promise<SignInCounts> {
  const rows = await db.signInCounter.findMany({ where: { OR: SIGN_IN_SLOTS.map((slot) => ({ kind: ids[slot].kind, key: ids[slot].key })) } });
  return countsOf(ids, rows);
}

/**
 * The three counters as stored, locked until the transaction ends. The statement writes (a no-op
 * update of a row that exists, a row with no failures for one that does not): SQLite's deferred BEGIN
 * thus takes the write lock at once (a read first would hold a snapshot it may not upgrade under
 * another writer), and PostgreSQL locks each row, a missing one included, so a parallel attempt on
 * another instance waits and then reads what this one wrote. Rows are locked in one order (kind, key),
 * so two attempts never wait on each other crosswise.
 */
async function lockCounts(tx: Tx, ids: SignInCounterIds, now: number): Promise<SignInCounts> {
  const ordered = SIGN_IN_SLOTS.map((slot) => ids[slot]).sort(byKindAndKey);
  const rows = await tx.$queryRawUnsafe<CounterRow[]>(
    dialectSql(
      tx,
      `INSERT INTO "SignInCounter" ("kind", "key", "failures", "lastAt") VALUES ${ordered.map(() => "(?, ?, 0, ?)").join(", ")}
       ON CONFLICT ("kind", "key") DO UPDATE SET "failures" = "SignInCounter"."failures"
       RETURNING "kind", "key", "failures", "lastAt"`,
    ),
    ...ordered.flatMap((id) => [id.kind, id.key, now]),
  );
  return countsOf(ids, rows);
}

/** Writes what the rules returned: undefined deletes the row (also the empty one lockCounts may have made). */
async function writeCounts(tx: Tx, ids: SignInCounterIds, stored: SignInCounts, next: SignInCounts): Promise<void> {
  const gone = SIGN_IN_SLOTS.filter((slot) => !next[slot]).map((slot) => ids[slot]);
  if (gone.length > 0) await tx.signInCounter.deleteMany({ where: { OR: gone.map((id) => ({ kind: id.kind, key: id.key })) } });
  for (const slot of SIGN_IN_SLOTS) {
    const count = next[slot];
    if (!count || sameCount(count, stored[slot])) continue;
    await tx.signInCounter.update({ where: { kind_key: { kind: ids[slot].kind, key: ids[slot].key } }, data: { failures: count.failures, lastAt: BigInt(count.lastAt) } });
  }
}

/**
 * Deletes up to PRUNE_CHUNK counters whose last failure is older than `before`, oldest first. On
 * PostgreSQL rows another attempt holds are skipped, so two pruning instances never wait on each other.
 */
export async function pruneExpiredCounters(tx: Tx, before: number): Promise<number> {
  const skipLocked = sqlDialect(tx) === "postgresql" ? " FOR UPDATE SKIP LOCKED" : "";
  return tx.$executeRawUnsafe(
    dialectSql(
      tx,
      `DELETE FROM "SignInCounter" WHERE ("kind", "key") IN
         (SELECT "kind", "key" FROM "SignInCounter" WHERE "lastAt" < ? ORDER BY "lastAt" LIMIT ${PRUNE_CHUNK}${skipLocked})`,
    ),
    before,
  );
}

function countsOf(ids: SignInCounterIds, rows: CounterRow[]): SignInCounts {
  const counts: SignInCounts = {};
  for (const slot of SIGN_IN_SLOTS) {
    const row = rows.find((r) => r.kind === ids[slot].kind && r.key === ids[slot].key);
    if (row) counts[slot] = { failures: Number(row.failures), lastAt: Number(row.lastAt) };
  }
  return counts;
}

const sameCount = (a: FailureCount, b: FailureCount | undefined) => b !== undefined && a.failures === b.failures && a.lastAt === b.lastAt;
const byKindAndKey = (a: CounterId, b: CounterId) => (a.kind === b.kind ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.kind < b.kind ? -1 : 1);
