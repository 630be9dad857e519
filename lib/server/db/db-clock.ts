import type { SqlDialect } from "./sql-dialect";

/**
 * Milliseconds since the Unix epoch on the database's clock, as a SQL expression: instances on machines
 * whose clocks differ still agree on heartbeats and lease expiry.
 */
export function databaseNowSql(dialect: SqlDialect): string {
  return dialect === "postgresql" ? `(extract(epoch from clock_timestamp()) * 1000)::bigint` : `CAST(unixepoch('subsec') * 1000 AS INTEGER)`;
}
