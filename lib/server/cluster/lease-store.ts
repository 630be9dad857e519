import { databaseNowSql as nowSql } from "../db/db-clock";
import { dialectSql, sqlDialect, sqlFor, type SqlDialect } from "../db/sql-dialect";
import type { Db, Tx } from "../stores/tx";

/**
 * Leases: one owner at a time for a job ("job:<id>") or for a group of the cluster's singletons
 * ("leader:<group>"). Time is the database's clock, so instances whose clocks differ still agree on
 * expiry. Every new owner raises the epoch, and each owner's writes check it (fenceCheck).
 */

export interface HeldLease {
  name: string;
  epoch: number;
}

export interface LeaseRow {
  name: string;
  owner: string | null;
  epoch: number;
  expiresAt: number;
}

export const jobLeaseName = (jobId: string) => `job:${jobId}`;
export const leaderLeaseName = (group: string) => `leader:${group}`;
export const jobIdOfLease = (name: string) => (name.startsWith("job:") ? name.slice(4) : null);

/** A write refused because the writer's lease now belongs to another owner (or another epoch of it). */
export class LeaseLostError extends Error {
  readonly code = "LEASE_LOST";
  constructor(readonly lease: HeldLease) {
    super(`lease ${lease.name} (epoch ${lease.epoch}) is no longer held: the write is refused`);
  }
}


/** A list parameter: PostgreSQL takes an array, SQLite a JSON text read with json_each. */
function inList(dialect: SqlDialect): string {
  return dialect === "postgresql" ? `(SELECT unnest(?::text[]))` : `(SELECT value FROM json_each(?))`;
}
const listParam = (dialect: SqlDialect, names: string[]) => (dialect === "postgresql" ? names : JSON.stringify(names));

export async function databaseNowMs(db: Db | Tx): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ now: bigint | number }[]>(`SELECT ${nowSql(sqlDialect(db))} AS now`);
  return Number(row.now);
}

/** Creates missing lease rows (free, epoch 0). */
export async function ensureLeases(db: Db, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const d = sqlDialect(db);
  await db.$executeRawUnsafe(
    d === "postgresql"
      ? `INSERT INTO "Lease" ("name") SELECT n FROM unnest($1::text[]) AS n ON CONFLICT ("name") DO NOTHING`
      : `INSERT OR IGNORE INTO "Lease" ("name") SELECT value FROM json_each(?)`,
    listParam(d, names),
  );
}

/**
 * Claims up to `limit` of the named leases that are free or expired, in name order, raising each one's
 * epoch. On PostgreSQL rows another transaction holds (a claim, or an owner's fenced write) are skipped.
 * `steal` takes them whoever holds them (one machine: any holder is a previous run of this runtime).
 */
export async function claimLeases(db: Db, owner: string, names: string[], limit: number, ttlMs: number, steal = false): Promise<HeldLease[]> {
  if (names.length === 0 || limit <= 0) return [];
  const d = sqlDialect(db);
  if (d === "postgresql" && !steal) await endStalledHolders(db, names, ttlMs);
  const now = nowSql(d);
  const free = steal ? "" : `AND ("owner" IS NULL OR "expiresAt" < ${now})`;
  const sql = sqlFor(
    d,
    `UPDATE "Lease" SET "owner" = ?, "epoch" = "epoch" + 1, "expiresAt" = ${now} + ?
    WHERE "name" IN (SELECT "name" FROM "Lease" WHERE "name" IN ${inList(d)} ${free}
      ORDER BY "name" LIMIT ?${d === "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""})
    RETURNING "name", "epoch"`,
  );
  const rows = await db.$queryRawUnsafe<{ name: string; epoch: number | bigint }[]>(sql, owner, ttlMs, listParam(d, names), limit);
  return rows.map((r) => ({ name: r.name, epoch: Number(r.epoch) }));
}

/**
 * Ends the sessions of owners paused past their lease in the middle of a statement that waits on them
 * (COPY FROM STDIN in a batch commit): such a session is not idle, so idle_in_transaction_session_timeout
 * never ends it, and the server does not act on statement_timeout while it waits for its client. It
 * would keep the expired lease's row (locked by its fence check) and the job's rows locked for as long
 * as the pause lasts. Only a session holding an expired lease's row, waiting on its client for longer
 * than a TTL, is ended; its transaction rolls back.
 */
async function endStalledHolders(db: Db, names: string[], ttlMs: number): Promise<void> {
  await db.$queryRawUnsafe(
    `SELECT pg_terminate_backend(a.pid) FROM "Lease" l JOIN pg_stat_activity a ON a.backend_xid = l.xmax
      WHERE l."name" = ANY($1::text[]) AND l."owner" IS NOT NULL AND l."expiresAt" < ${nowSql("postgresql")}
        AND a.state = 'active' AND a.wait_event = 'ClientRead' AND a.state_change < now() - make_interval(secs => $2::double precision / 1000)`,
    names,
    ttlMs,
  );
}

/** The lease row as `lease` names it, still the owner's at that epoch (three placeholders). */
const OWNED = `"name" = ? AND "owner" = ? AND "epoch" = ?`;

/** Extends a held lease; false when it is not the owner's at that epoch any more. */
export async function renewLease(db: Db, owner: string, lease: HeldLease, ttlMs: number): Promise<boolean> {
  const d = sqlDialect(db);
  const sql = sqlFor(d, `UPDATE "Lease" SET "expiresAt" = ${nowSql(d)} + ? WHERE ${OWNED}`);
  return (await db.$executeRawUnsafe(sql, ttlMs, lease.name, owner, lease.epoch)) === 1;
}

/** Gives a lease back (graceful stop, hand-over): free at once for the next claimer. */
export async function releaseLease(db: Db, owner: string, lease: HeldLease): Promise<void> {
  await db.$executeRawUnsafe(dialectSql(db, `UPDATE "Lease" SET "owner" = NULL, "expiresAt" = 0 WHERE ${OWNED}`), lease.name, owner, lease.epoch);
}

/**
 * Fencing, inside the writer's transaction: proves the lease is still the writer's at its epoch, and
 * holds the lease row until the transaction ends, so no claim can slip in before the commit. It is a
 * write (SQLite then takes its write lock first, as the batch commit needs).
 */
export async function fenceCheck(tx: Tx, owner: string, lease: HeldLease): Promise<void> {
  const sql = dialectSql(tx, `UPDATE "Lease" SET "epoch" = "epoch" WHERE ${OWNED}`);
  if ((await tx.$executeRawUnsafe(sql, lease.name, owner, lease.epoch)) !== 1) throw new LeaseLostError(lease);
}

/** The lease is the owner's at that epoch and has not expired (database clock). */
export async function leaseHeld(db: Db, owner: string, lease: HeldLease): Promise<boolean> {
  const d = sqlDialect(db);
  const rows = await db.$queryRawUnsafe<unknown[]>(sqlFor(d, `SELECT 1 FROM "Lease" WHERE ${OWNED} AND "expiresAt" > ${nowSql(d)}`), lease.name, owner, lease.epoch);
  return rows.length === 1;
}

export async function listLeases(db: Db, prefix: string): Promise<LeaseRow[]> {
  const rows = await db.lease.findMany({ where: { name: { startsWith: prefix } }, orderBy: { name: "asc" } });
  return rows.map((r) => ({ name: r.name, owner: r.owner, epoch: r.epoch, expiresAt: Number(r.expiresAt) }));
}

/** Removes the lease rows of jobs that no longer exist. */
export async function dropLeases(db: Db, names: string[]): Promise<void> {
  if (names.length > 0) await db.lease.deleteMany({ where: { name: { in: names } } });
}
