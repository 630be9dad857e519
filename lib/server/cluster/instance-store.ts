import { databaseNowSql } from "../db/db-clock";
import { dialectSql, sqlDialect } from "../db/sql-dialect";
import type { Db } from "../stores/tx";

export interface InstanceIdentity {
  id: string;
  host: string;
  pid: number;
  version: string;
}

export interface InstanceRow extends InstanceIdentity {
  startedAt: number;
  heartbeatAt: number;
}

const now = (db: Db) => databaseNowSql(sqlDialect(db));

/** Writes the instance's heartbeat (database clock), creating its row on the first beat. */
export async function heartbeat(db: Db, instance: InstanceIdentity): Promise<void> {
  await db.$executeRawUnsafe(
    dialectSql(
      db,
      `INSERT INTO "Instance" ("id", "host", "pid", "version", "startedAt", "heartbeatAt") VALUES (?, ?, ?, ?, ${now(db)}, ${now(db)})
       ON CONFLICT ("id") DO UPDATE SET "heartbeatAt" = excluded."heartbeatAt"`,
    ),
    instance.id,
    instance.host,
    instance.pid,
    instance.version,
  );
}

/** Instances whose last heartbeat is at most `ttlMs` old on the database clock. */
export async function liveInstanceIds(db: Db, ttlMs: number): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(dialectSql(db, `SELECT "id" FROM "Instance" WHERE "heartbeatAt" >= ${now(db)} - ? ORDER BY "id"`), ttlMs);
  return rows.map((r) => r.id);
}

export async function listInstances(db: Db): Promise<InstanceRow[]> {
  const rows = await db.instance.findMany({ orderBy: { startedAt: "asc" } });
  return rows.map((r) => ({ ...r, startedAt: Number(r.startedAt), heartbeatAt: Number(r.heartbeatAt) }));
}

/** A graceful stop takes the instance out of the cluster at once. */
export async function removeInstance(db: Db, id: string): Promise<void> {
  await db.instance.deleteMany({ where: { id } });
}

/**
 * Rows of instances silent for longer than `silentMs` (database clock): a killed instance never removes
 * its own row, and each start adds one. Their leases expired long ago; the rows only fed the Instances view.
 */
export async function forgetSilentInstances(db: Db, silentMs: number): Promise<number> {
  return db.$executeRawUnsafe(dialectSql(db, `DELETE FROM "Instance" WHERE "heartbeatAt" < ${now(db)} - ?`), silentMs);
}

/** One machine: rows of other instances are earlier runs of this one. */
export async function forgetOtherInstances(db: Db, id: string): Promise<void> {
  await db.instance.deleteMany({ where: { id: { not: id } } });
}
