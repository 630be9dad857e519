// Applies prisma/migrations/*/migration.sql to a SQLite database at startup (server, tests, scripts).
//
// Why not `prisma migrate deploy`: Prisma 7's CLI needs its native schema-engine binary for that, and the
// binary cannot be downloaded offline. This does the same job with better-sqlite3 and records each migration
// in Prisma's own `_prisma_migrations` table in Prisma's format (checksum = sha256 hex of the file, times as
// unix milliseconds like Prisma's SQLite connector writes them), so a connected machine's
// `prisma migrate deploy` / `migrate status` agree with it.
//
// No `server-only` import here: plain tsx scripts and Vitest import this too.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/** Prisma's DDL for its migrations table on SQLite. */
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export const DEFAULT_MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

/**
 * The file a `file:` database URL points at, resolved like the Prisma better-sqlite3 adapter does
 * (relative to process.cwd()). Bare paths are accepted too; `:memory:` is returned unchanged.
 */
export function databaseFilePath(databaseUrl: string): string {
  const p = databaseUrl.replace(/^file:/, "");
  if (p === ":memory:") return p;
  if (!p) throw new Error(`Invalid SQLite database URL: ${JSON.stringify(databaseUrl)}`);
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), p);
}

export function migrationChecksum(sql: string | Buffer): string {
  return crypto.createHash("sha256").update(sql).digest("hex");
}

export type MigrationFile = { name: string; file: string; sql: string; checksum: string };

/** The migrations in `migrationsDir`, in name (= timestamp) order. */
export function listMigrations(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  // The directory is chosen at run time: keep Next's file tracing from pulling in the whole project.
  if (!fs.existsSync(/*turbopackIgnore: true*/ migrationsDir)) {
    throw new Error(`Migrations directory not found: ${migrationsDir}`);
  }
  return fs
    .readdirSync(/*turbopackIgnore: true*/ migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(migrationsDir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const file = path.join(migrationsDir, name, "migration.sql");
      const bytes = fs.readFileSync(file);
      return { name, file, sql: bytes.toString("utf8"), checksum: migrationChecksum(bytes) };
    });
}

export type MigrationRow = {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
};

/**
 * Applies the migrations not yet applied, oldest first, each in its own `BEGIN IMMEDIATE` transaction
 * (two processes starting at once serialize; the second sees the first's rows and skips). Throws when an
 * applied migration's file was edited, when a migration failed earlier, or when a migration fails now
 * (that migration is rolled back; earlier ones stay applied). Also sets WAL mode and creates the file's
 * parent directory.
 */
export function applyMigrations(
  databaseUrl: string,
  migrationsDir: string = DEFAULT_MIGRATIONS_DIR,
): { applied: string[] } {
  const migrations = listMigrations(migrationsDir);
  const file = databaseFilePath(databaseUrl);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });

  const db = new Database(file, { timeout: 30_000 });
  try {
    db.pragma("journal_mode = WAL");
    // better-sqlite3 turns foreign keys on by default. Prisma's SQLite table redefinitions (DROP + recreate)
    // rely on them being off, and `PRAGMA foreign_keys` is a no-op inside a transaction, so turn them off
    // for this connection and check integrity before each commit instead.
    db.pragma("foreign_keys = OFF");
    db.exec(MIGRATIONS_TABLE_DDL);

    const rowsFor = db.prepare<[string], MigrationRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"
       WHERE migration_name = ? AND rolled_back_at IS NULL`,
    );
    const insert = db.prepare(
      `INSERT INTO "_prisma_migrations"
         (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
    );

    // Refuse early if any applied migration no longer matches its file.
    for (const m of migrations) isMigrationApplied(m, rowsFor.all(m.name));

    const applied: string[] = [];
    for (const m of migrations) {
      db.exec("BEGIN IMMEDIATE");
      try {
        if (isMigrationApplied(m, rowsFor.all(m.name))) {
          db.exec("ROLLBACK");
          continue; // applied already (possibly by another process a moment ago)
        }
        const startedAt = Date.now();
        try {
          db.exec(m.sql);
        } catch (e) {
          throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
        }
        const violations = db.pragma("foreign_key_check") as unknown[];
        if (violations.length > 0) {
          throw new Error(
            `Migration ${m.name} leaves foreign key violations: ${JSON.stringify(violations.slice(0, 5))}`,
          );
        }
        insert.run(crypto.randomUUID(), m.checksum, Date.now(), m.name, startedAt);
        db.exec("COMMIT");
        applied.push(m.name);
      } catch (e) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw e;
      }
    }
    return { applied };
  } finally {
    db.close();
  }
}

/** True when `m` is applied; throws when it was edited after being applied or is in a failed state. */
export function isMigrationApplied(m: MigrationFile, rows: MigrationRow[]): boolean {
  if (rows.length === 0) return false;
  for (const row of rows) {
    if (row.finished_at == null) {
      throw new Error(
        `Migration ${m.name} failed or is in progress in this database (_prisma_migrations.finished_at is NULL). ` +
          `Fix the database by hand, then delete that row or mark it rolled back.`,
      );
    }
    if (row.checksum !== m.checksum) {
      throw new Error(
        `Migration ${m.name} was modified after it was applied to this database ` +
          `(checksum ${row.checksum} in _prisma_migrations, ${m.checksum} for ${m.file}). ` +
          `Never edit an applied migration: restore the file and add a new migration instead ` +
          `(npm run db:migration -- <name>).`,
      );
    }
  }
  return true;
}
