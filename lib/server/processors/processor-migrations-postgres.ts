/**
 * Processors' own migrations on PostgreSQL, with the same rules as on SQLite (processor-migrations.ts):
 * in order, each once and in its own transaction with its ProcessorMigration row; only the processor's
 * declared tables may change. Instances starting together take turns under Prisma's advisory lock, as
 * Tidemark's own migrations do (migrate-postgres.ts), so each migration runs once in the cluster.
 * No `server-only` here: runtime-process.ts, scripts and tests import it too.
 */
import pg from "pg";
import { migrationChecksum } from "../db/migrate";
import { PRISMA_ADVISORY_LOCK_KEY } from "../db/migrate-postgres";
import type { Processor } from "./processor";
import { migrationScopeProblems, migrationSql, ProcessorMigrationError, tableOwnershipProblems } from "./processor-migrations";

/**
 * Applies the processors' pending migrations to a PostgreSQL database (its `postgresql` SQL, or its one
 * text), oldest first per processor. Throws a ProcessorMigrationError as the SQLite variant does; the
 * failing migration is rolled back, the ones before it stay applied.
 */
export async function applyPostgresProcessorMigrations(databaseUrl: string, processors: Processor<unknown>[]): Promise<{ applied: string[] }> {
  const withMigrations = processors.filter((p) => (p.migrations ?? []).length > 0);
  const ownership = tableOwnershipProblems(processors);
  if (ownership.length > 0) throw new ProcessorMigrationError(ownership[0].processor, null, ownership[0].problem);
  if (withMigrations.length === 0) return { applied: [] };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Session-level: held across the transactions below, released even when one fails.
    await client.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})`);
    try {
      const applied: string[] = [];
      for (const processor of withMigrations) {
        for (const migration of processor.migrations!) {
          const sql = migrationSql(migration, "postgresql");
          if (sql === undefined) throw new ProcessorMigrationError(processor.name, migration.id, "has no SQL for postgresql");
          if (await applyOne(client, processor, migration.id, sql)) applied.push(`${processor.name}/${migration.id}`);
        }
      }
      return { applied };
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK_KEY})`);
    }
  } finally {
    await client.end();
  }
}

/** Applies one migration in a transaction with its record; false when it was applied before. */
async function applyOne(client: pg.Client, processor: Processor<unknown>, migrationId: string, sql: string): Promise<boolean> {
  const checksum = migrationChecksum(sql);
  await client.query("BEGIN");
  try {
    const row = await client.query<{ checksum: string }>(`SELECT "checksum" FROM "ProcessorMigration" WHERE "processor" = $1 AND "migrationId" = $2`, [processor.name, migrationId]);
    if (row.rows.length > 0) {
      if (row.rows[0].checksum !== checksum) throw new ProcessorMigrationError(processor.name, migrationId, "was changed after it was applied to this database: never edit an applied migration, add a new one");
      await client.query("ROLLBACK");
      return false;
    }
    const scope = migrationScopeProblems(processor, sql);
    if (scope.length > 0) throw new ProcessorMigrationError(processor.name, migrationId, scope.join("; "));
    const before = await otherSchema(client, processor);
    try {
      // No parameters: the simple query protocol, which runs a text of several statements.
      await client.query(sql);
    } catch (error) {
      throw new ProcessorMigrationError(processor.name, migrationId, `failed: ${(error as Error).message}`, { cause: error });
    }
    if ((await otherSchema(client, processor)) !== before) throw new ProcessorMigrationError(processor.name, migrationId, "changed tables that are not its own");
    // appliedAt in UTC, as Prisma keeps its TIMESTAMP(3) columns, whatever the session's time zone.
    await client.query(`INSERT INTO "ProcessorMigration" ("processor", "migrationId", "checksum", "appliedAt") VALUES ($1, $2, $3, now() AT TIME ZONE 'UTC')`, [processor.name, migrationId, checksum]);
    await client.query("COMMIT");
    return true;
  } catch (error) {
    // A failed statement aborts the transaction: ROLLBACK ends it whatever its state.
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * The definition of every table and view in the current schema that is not the processor's:
 * columns, constraints, indexes, triggers and privileges. A migration must leave it as it was.
 */
async function otherSchema(client: pg.Client, processor: Processor<unknown>): Promise<string> {
  const own = (processor.tables ?? []).map((t) => t.toLowerCase());
  const { rows } = await client.query(
    `SELECT c.relkind, c.relname, c.relacl::text AS acl,
        (SELECT json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)) ORDER BY a.attnum)
           FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
        (SELECT json_agg(pg_get_constraintdef(k.oid) ORDER BY k.conname) FROM pg_constraint k WHERE k.conrelid = c.oid) AS constraints,
        (SELECT json_agg(pg_get_indexdef(i.indexrelid) ORDER BY i.indexrelid::regclass::text) FROM pg_index i WHERE i.indrelid = c.oid) AS indexes,
        (SELECT json_agg(pg_get_triggerdef(t.oid) ORDER BY t.tgname) FROM pg_trigger t WHERE t.tgrelid = c.oid) AS triggers,
        CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS view
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT (lower(c.relname) = ANY($1::text[]))
      ORDER BY c.relname`,
    [own],
  );
  return JSON.stringify(rows);
}
