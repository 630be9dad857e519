/**
 * The processors folder at start: loaded, installed beside the built-ins and, where the caller owns
 * the database's schema (the server, a runtime process), migrated. Throws ProcessorsFolderError or
 * ProcessorMigrationError, and the caller stops the start with its message.
 */
import { databaseKind } from "../db/database-url";
import type { Processor } from "./processor";
import { applyProcessorMigrations } from "./processor-migrations";
import { applyPostgresProcessorMigrations } from "./processor-migrations-postgres";
import { loadProcessorsFolder, processorsDir, type LoadedFolderProcessor } from "./processors-folder";
import { builtInNames, installFolderProcessors } from "./registry";

export async function loadProcessors(opts: { cwd?: string; dir?: string; databaseUrl?: string }): Promise<{ loaded: LoadedFolderProcessor[]; migrations: string[] }> {
  const cwd = opts.cwd ?? process.cwd();
  const loaded = await loadProcessorsFolder({ dir: opts.dir ?? processorsDir(cwd), cwd, reservedNames: builtInNames() });
  const { applied } = opts.databaseUrl ? await migrate(opts.databaseUrl, loaded.map((l) => l.processor)) : { applied: [] };
  installFolderProcessors(loaded);
  return { loaded, migrations: applied };
}

async function migrate(databaseUrl: string, processors: Processor<unknown>[]): Promise<{ applied: string[] }> {
  return databaseKind(databaseUrl) === "postgresql" ? applyPostgresProcessorMigrations(databaseUrl, processors) : applyProcessorMigrations(databaseUrl, processors);
}
