import { databaseNowSql } from "../db/db-clock";
import { sqlDialect } from "../db/sql-dialect";
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
  const pg = sqlDialect(db) === "postgresql";
  const p = pg ? ["$1", "$2", "$3", "$4"] : ["?", "?", "?", "?"];
  await db.$executeRawUnsafe(
    `INSERT INTO "Instance" ("id", "host", "pid", "version", "startedAt", "heartbeatAt") VALUES (${p.join(", ")}, ${now(db)}, ${now(db)})
     ON CONFLICT ("id") DO UPDATE SET "heartbeatAt" = excluded."heartbeatAt"`,
    instance.id,
    instance.host,
    instance.pid,
    instance.version,
  );
}

/** Instances whose last heartbeat is at most `ttlMs` old on the database clock. */
export async function liveInstanceIds(db: Db, ttlMs: number): Promise<string[]> {
  const pg = sqlDialect(db) === "postgresql";
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(`SELECT "id" FROM "Instance" WHERE "heartbeatAt" >= ${now(db)} - ${pg ? "$1" : "?"} ORDER BY "id"`, ttlMs);
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

/** Forgets instances silent for longer than `olderThanMs` (they stay listed as dead until then). */
export async function forgetDeadInstances(db: Db, olderThanMs: number): Promise<number> {
  const pg = sqlDialect(db) === "postgresql";
  return db.$executeRawUnsafe(`DELETE FROM "Instance" WHERE "heartbeatAt" < ${now(db)} - ${pg ? "$1" : "?"}`, olderThanMs);
}

export async function forgetOtherInstances(db: Db, id: string): Promise<void> {
  await db.instance.deleteMany({ where: { id: { not: id } } });
}
