// Applies the migrations of whichever database DATABASE_URL names (server start, runtime process, tests).
//
// No `server-only` import here: plain tsx scripts and Vitest import this too.
import { databaseKind } from "./database-url";
import { applyMigrations } from "./migrate";
import { applyPostgresMigrations } from "./migrate-postgres";

export async function migrateDatabase(databaseUrl: string): Promise<{ applied: string[] }> {
  return databaseKind(databaseUrl) === "postgresql" ? applyPostgresMigrations(databaseUrl) : applyMigrations(databaseUrl);
}
