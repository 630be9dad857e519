/**
 * Applies processors' own migrations at start: in order, each once and in its own transaction,
 * recorded in Tidemark's ProcessorMigration table. A migration may create and change only the tables
 * its processor declares: the SQL's table names are checked before it runs, and the schema of every
 * other table is compared before and after (inside the transaction, so a breach rolls back).
 * No `server-only` here: runtime-process.ts, scripts and tests import it too.
 */
import Database from "better-sqlite3";
import { Prisma } from "../db/generated/client";
import { databaseFilePath, migrationChecksum } from "../db/migrate";
import type { Processor, ProcessorMigration, SqlDialect } from "./processor";

export class ProcessorMigrationError extends Error {
  readonly code = "PROCESSOR_MIGRATION_FAILED";

  constructor(processor: string, migrationId: string | null, problem: string, options?: { cause?: unknown }) {
    super(`processor '${processor}'${migrationId ? `, migration '${migrationId}'` : ""}: ${problem}`, options);
    this.name = "ProcessorMigrationError";
  }
}

/** Tables no processor may declare or touch (compared without case, as SQLite does). */
const TIDEMARK_TABLES = new Set([...Object.values(Prisma.ModelName), "_prisma_migrations"].map((t) => t.toLowerCase()));

/** The SQL of a migration for a database dialect. */
export function migrationSql(m: ProcessorMigration, dialect: SqlDialect): string | undefined {
  return typeof m.sql === "string" ? m.sql : m.sql[dialect];
}

/**
 * Table names a statement creates, changes, writes or reads from, by the forms a migration uses. Comments
 * and string literals are blanked first, so names in them do not count.
 */
export function referencedTables(sql: string): string[] {
  const code = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'/g, " ");
  const name = String.raw`(?:"((?:[^"]|"")+)"|\x60([^\x60]+)\x60|\[([^\]]+)\]|([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?))`;
  const forms = [
    String.raw`CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:TEMP(?:ORARY)?|UNLOGGED)\s+)?(?:TABLE|(?:MATERIALIZED\s+)?VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?`,
    String.raw`CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+ON\s+`,
    String.raw`CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+(?:BEFORE|AFTER|INSTEAD\s+OF)?\s*(?:INSERT|UPDATE|DELETE)(?:\s+OF\s+[\w\s,"]+?)?\s+ON\s+`,
    String.raw`ALTER\s+TABLE\s+`,
    String.raw`RENAME\s+TO\s+`,
    String.raw`DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?`,
    String.raw`(?:INSERT|REPLACE)\s+(?:OR\s+\w+\s+)?INTO\s+`,
    String.raw`UPDATE\s+(?:OR\s+\w+\s+)?`,
    String.raw`DELETE\s+FROM\s+`,
    String.raw`TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?`,
    String.raw`REFERENCES\s+`,
    String.raw`(?:FROM|JOIN)\s+`,
  ];
  const found: string[] = [];
  for (const form of forms) {
    for (const match of code.matchAll(new RegExp(String.raw`\b${form}${name}`, "gi"))) {
      const table = (match[1]?.replace(/""/g, '"') ?? match[2] ?? match[3] ?? match[4])!;
      found.push(table);
    }
  }
  return [...new Set(found)];
}

/** What keeps a migration from running at all: tables it may not declare or touch. */
export function migrationScopeProblems(processor: Processor<unknown>, sql: string): string[] {
  const own = new Set((processor.tables ?? []).map((t) => t.toLowerCase()));
  return referencedTables(sql)
    .filter((t) => !own.has(t.toLowerCase()))
    .map((t) => `touches table '${t}', which is not one of its tables (${[...own].join(", ") || "none declared"})`);
}

/** Tables declared by two processors, or named like Tidemark's. */
export function tableOwnershipProblems(processors: Processor<unknown>[]): { processor: string; problem: string }[] {
  const owners = new Map<string, string>();
  const problems: { processor: string; problem: string }[] = [];
  for (const p of processors) {
    for (const table of p.tables ?? []) {
      const key = table.toLowerCase();
      if (TIDEMARK_TABLES.has(key) || key.startsWith("sqlite_")) problems.push({ processor: p.name, problem: `table '${table}' is one of Tidemark's` });
      else if (owners.has(key) && owners.get(key) !== p.name) problems.push({ processor: p.name, problem: `table '${table}' is declared by processor '${owners.get(key)}' too` });
      else owners.set(key, p.name);
    }
  }
  return problems;
}

/**
 * Applies the processors' pending migrations to a database, oldest first per processor. Throws a
 * ProcessorMigrationError naming the processor and migration when one fails, touches another table, or
 * was changed after it was applied; that migration is rolled back, the ones before it stay applied.
 * SQLite databases (a migration's `sqlite` SQL, or its one text); PostgreSQL's are migrated by
 * processor-migrations-postgres.ts.
 */
export function applyProcessorMigrations(databaseUrl: string, processors: Processor<unknown>[]): { applied: string[] } {
  const dialect: SqlDialect = "sqlite";
  const withMigrations = processors.filter((p) => (p.migrations ?? []).length > 0);
  const ownership = tableOwnershipProblems(processors);
  if (ownership.length > 0) throw new ProcessorMigrationError(ownership[0].processor, null, ownership[0].problem);
  if (withMigrations.length === 0) return { applied: [] };
  const db = new Database(databaseFilePath(databaseUrl), { timeout: 30_000, fileMustExist: true });
  try {
    const recorded = db.prepare<[string, string], { checksum: string }>(`SELECT "checksum" FROM "ProcessorMigration" WHERE "processor" = ? AND "migrationId" = ?`);
    const record = db.prepare(`INSERT INTO "ProcessorMigration" ("processor", "migrationId", "checksum", "appliedAt") VALUES (?, ?, ?, ?)`);
    const applied: string[] = [];
    for (const processor of withMigrations) {
      for (const migration of processor.migrations!) {
        const sql = migrationSql(migration, dialect);
        if (sql === undefined) throw new ProcessorMigrationError(processor.name, migration.id, `has no SQL for ${dialect}`);
        const checksum = migrationChecksum(sql);
        db.exec("BEGIN IMMEDIATE");
        try {
          const row = recorded.get(processor.name, migration.id);
          if (row) {
            if (row.checksum !== checksum) throw new ProcessorMigrationError(processor.name, migration.id, "was changed after it was applied to this database: never edit an applied migration, add a new one");
            db.exec("ROLLBACK");
            continue;
          }
          const scope = migrationScopeProblems(processor, sql);
          if (scope.length > 0) throw new ProcessorMigrationError(processor.name, migration.id, scope.join("; "));
          const before = otherSchema(db, processor);
          try {
            db.exec(sql);
          } catch (error) {
            throw new ProcessorMigrationError(processor.name, migration.id, `failed: ${(error as Error).message}`, { cause: error });
          }
          if (otherSchema(db, processor) !== before) throw new ProcessorMigrationError(processor.name, migration.id, "changed tables that are not its own");
          record.run(processor.name, migration.id, checksum, Date.now());
          db.exec("COMMIT");
          applied.push(`${processor.name}/${migration.id}`);
        } catch (error) {
          if (db.inTransaction) db.exec("ROLLBACK");
          throw error;
        }
      }
    }
    return { applied };
  } finally {
    db.close();
  }
}

/** The schema of every table, index, view and trigger that does not belong to the processor's tables. */
function otherSchema(db: Database.Database, processor: Processor<unknown>): string {
  const own = new Set((processor.tables ?? []).map((t) => t.toLowerCase()));
  const rows = db.prepare<[], { type: string; name: string; tbl_name: string; sql: string | null }>(`SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name`).all();
  return JSON.stringify(rows.filter((r) => !own.has(r.tbl_name.toLowerCase())));
}
