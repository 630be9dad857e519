export { createPrismaClient, sqliteConnection, type CreatePrismaClientOptions } from "./client";
export * from "./generated/client";
export { applyMigrations, databaseFilePath, listMigrations, migrationChecksum, DEFAULT_MIGRATIONS_DIR } from "./migrate";
