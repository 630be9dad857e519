export { createPrismaClient, sqliteConnection, type CreatePrismaClientOptions } from "./client";
export { databaseKind, type DatabaseKind } from "./database-url";
export { migrateDatabase } from "./migrate-database";
export { sqlDialect, dialectSql, type SqlDialect } from "./sql-dialect";
export * from "./generated/client";
export { applyMigrations, databaseFilePath, listMigrations, migrationChecksum, DEFAULT_MIGRATIONS_DIR } from "./migrate";
