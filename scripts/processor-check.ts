/**
 * `npm run processor:check`: loads the processors folder (TIDEMARK_PROCESSORS_DIR, default ./processors)
 * as the server does at start, applies its migrations to a fresh temporary database, and reports what
 * it found. Exits 1 with the server's own message when the server would refuse to start.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyMigrations } from "../lib/server/db/migrate";
import { applyProcessorMigrations } from "../lib/server/processors/processor-migrations";
import { loadProcessorsFolder, processorFiles, processorsDir } from "../lib/server/processors/processors-folder";
import { builtInProcessorNames } from "../lib/contracts/jobs";

async function main(): Promise<void> {
  const root = path.resolve(import.meta.dirname, "..");
  const dir = processorsDir();
  const files = processorFiles(dir);
  console.log(`processors folder: ${dir}${fs.existsSync(dir) ? "" : " (does not exist)"}`);
  if (files.length === 0) {
    console.log("no processor modules in it (top-level .ts, .mts, .js or .mjs files; tests, _files and subfolders are not loaded)");
    return;
  }
  const loaded = await loadProcessorsFolder({ dir, cwd: root, reservedNames: new Set(builtInProcessorNames) });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-processor-check-"));
  try {
    const url = `file:${path.join(tmp, "check.db")}`;
    applyMigrations(url, path.join(root, "prisma", "migrations"));
    const { applied } = applyProcessorMigrations(url, loaded.map((l) => l.processor));
    for (const { processor: p, source, configJsonSchema } of loaded) {
      const properties = Object.keys((configJsonSchema as { properties?: object }).properties ?? {});
      console.log(`\n${p.name}  (${source})\n  ${p.description}`);
      console.log(`  config: ${properties.length > 0 ? properties.join(", ") : "none"}`);
      console.log(`  tables: ${(p.tables ?? []).join(", ") || "none"}; migrations: ${(p.migrations ?? []).map((m) => m.id).join(", ") || "none"}`);
      console.log(`  results: ${p.results ? p.results.columns.map((c) => c.label).join(", ") : "none"}`);
      const phases = ["deliver", "fold", "clear", "rollback"].filter((k) => typeof (p as unknown as Record<string, unknown>)[k] === "function");
      if (p.readAhead === true) phases.push("readAhead");
      console.log(`  also: ${phases.join(", ") || "process only"}; replay keeps results: ${p.reprocessing ?? "unknown"}`);
    }
    console.log(`\nok: ${loaded.length} processor(s); ${applied.length} migration(s) apply to a fresh database`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
