// Applies prisma/postgresql/migrations/*/migration.sql to a PostgreSQL database at startup, as
// `prisma migrate deploy` would: under Prisma's own advisory lock (so instances starting together, and a
// `prisma migrate deploy` run at the same moment, take turns), recording each migration in
// `_prisma_migrations` with Prisma's PostgreSQL DDL and row format (checksum = sha256 hex of the file).
// Unlike Prisma, each migration runs in one transaction with its row (PostgreSQL's DDL is transactional):
// a failing migration leaves nothing behind.
//
// No `server-only` import here: plain tsx scripts and Vitest import this too.
import crypto from "node:crypto";
import path from "node:path";
import pg from "pg";
import { isMigrationApplied, listMigrations, type MigrationRow } from "./migrate";

/** The key Prisma's schema engine locks (pg_advisory_lock) while it migrates a PostgreSQL database. */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

export const DEFAULT_POSTGRES_MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "postgresql", "migrations");

/** Prisma's DDL for its migrations table on PostgreSQL. */
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies the migrations not yet applied, oldest first. Throws when an applied migration's file was
 * edited, when one failed earlier (a row without finished_at, as Prisma leaves it), or when one fails now.
 */
export async function applyPostgresMigrations(
  databaseUrl: string,
  migrationsDir: string = DEFAULT_POSTGRES_MIGRATIONS_DIR,
): Promise<{ applied: string[] }> {
  const migrations = listMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})`);
    try {
      await client.query(MIGRATIONS_TABLE_DDL);
      const rowsFor = async (name: string) =>
        (
          await client.query<MigrationRow>(
            `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"
             WHERE migration_name = $1 AND rolled_back_at IS NULL`,
            [name],
          )
        ).rows;
      const pending = [];
      // Refuse before changing anything if any applied migration no longer matches its file.
      for (const m of migrations) if (!isMigrationApplied(m, await rowsFor(m.name))) pending.push(m);

      const applied: string[] = [];
      for (const m of pending) {
        const startedAt = new Date();
        await client.query("BEGIN");
        try {
          await client.query(m.sql);
        } catch (e) {
          await client.query("ROLLBACK");
          throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
        }
        await client.query(
          `INSERT INTO "_prisma_migrations"
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
          [crypto.randomUUID(), m.checksum, m.name, startedAt],
        );
        await client.query("COMMIT");
        applied.push(m.name);
      }
      return { applied };
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK_KEY})`);
    }
  } finally {
    await client.end();
  }
}
