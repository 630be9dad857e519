/**
 * The processors folder at start: loaded, installed beside the built-ins and, where the caller owns
 * the database's schema (the server, a runtime process), migrated. Throws ProcessorsFolderError or
 * ProcessorMigrationError, and the caller stops the start with its message.
 */
import path from "node:path";
import { applyProcessorMigrations } from "./processor-migrations";
import { loadProcessorsFolder, type LoadedFolderProcessor } from "./processors-folder";
import { builtInNames, installFolderProcessors } from "./registry";

/** TIDEMARK_PROCESSORS_DIR, or ./processors, against the working directory. */
export function processorsDir(cwd = process.cwd()): string {
  return path.resolve(/*turbopackIgnore: true*/ cwd, process.env.TIDEMARK_PROCESSORS_DIR || "processors");
}

export async function loadProcessors(opts: { cwd?: string; dir?: string; databaseUrl?: string }): Promise<{ loaded: LoadedFolderProcessor[]; migrations: string[] }> {
  const cwd = opts.cwd ?? process.cwd();
  const loaded = await loadProcessorsFolder({ dir: opts.dir ?? processorsDir(cwd), cwd, reservedNames: builtInNames() });
  const { applied } = opts.databaseUrl ? applyProcessorMigrations(opts.databaseUrl, loaded.map((l) => l.processor)) : { applied: [] };
  installFolderProcessors(loaded);
  return { loaded, migrations: applied };
}
