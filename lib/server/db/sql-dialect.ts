// The SQL dialect of a Prisma client or transaction, for the few statements Prisma's query API cannot
// express fast enough (multi-row upserts, bulk inserts). Both clients are typed alike (see
// postgres-client.ts); at run time each knows its provider.
//
// No `server-only` import here: plain tsx scripts and Vitest import this too.

export type SqlDialect = "sqlite" | "postgresql";

export function sqlDialect(client: object): SqlDialect {
  const provider = (client as { _activeProvider?: string })._activeProvider;
  if (provider === "postgresql") return "postgresql";
  if (provider === "sqlite") return "sqlite";
  throw new Error(`not a Prisma client of SQLite or PostgreSQL (provider ${String(provider)})`);
}

/**
 * `?` placeholders as PostgreSQL's `$1, $2, …`, so one statement text serves both databases. Only for
 * statements whose `?` are all placeholders (no `?` inside string literals or identifiers).
 */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The statement for a dialect: PostgreSQL gets numbered placeholders. */
export function sqlFor(dialect: SqlDialect, sql: string): string {
  return dialect === "postgresql" ? numberedPlaceholders(sql) : sql;
}

/** The statement for the client's dialect: PostgreSQL gets numbered placeholders. */
export function dialectSql(client: object, sql: string): string {
  return sqlFor(sqlDialect(client), sql);
}

/**
 * `INSERT … <rows>` (a VALUES list or a SELECT) that replaces a row with the same key: SQLite's OR
 * REPLACE, PostgreSQL's ON CONFLICT … DO UPDATE of every other column. `columns` and `key` are
 * comma-separated quoted names, as in the statement.
 */
export function replaceInto(dialect: SqlDialect, table: string, columns: string, key: string, rows: string): string {
  if (dialect === "sqlite") return `INSERT OR REPLACE INTO "${table}" (${columns}) ${rows}`;
  const keys = new Set(key.split(",").map((c) => c.trim()));
  const set = columns.split(",").map((c) => c.trim()).filter((c) => !keys.has(c)).map((c) => `${c} = excluded.${c}`);
  return `INSERT INTO "${table}" (${columns}) ${rows} ON CONFLICT (${key}) DO UPDATE SET ${set.join(", ")}`;
}
