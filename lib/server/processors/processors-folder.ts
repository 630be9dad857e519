/**
 * Loads the processors folder (TIDEMARK_PROCESSORS_DIR): each top-level .ts/.mts/.js/.mjs module
 * (tests, declarations and subfolders aside) is bundled with esbuild, as the runtime is, then imported
 * and checked. Any problem stops the start: ProcessorsFolderError names each file and what is wrong.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";
import { checkProcessorShape } from "./processor-shape";
import type { Processor } from "./processor";
import type { RegisteredProcessor } from "./registry";
import { PROCESSOR_MARK } from "./sdk";

export interface FolderProblem {
  file: string;
  problem: string;
}

/** The folder could not be loaded as it is: the server does not start (README "Write your own processor"). */
export class ProcessorsFolderError extends Error {
  readonly code = "PROCESSORS_INVALID";

  constructor(
    readonly dir: string,
    readonly problems: FolderProblem[],
  ) {
    super(`processors folder ${dir}: ${problems.length === 1 ? "a problem" : `${problems.length} problems`}, fix or remove the file:\n${problems.map((p) => `  ${p.file}: ${p.problem}`).join("\n")}`);
    this.name = "ProcessorsFolderError";
  }
}

export interface LoadedFolderProcessor extends RegisteredProcessor {
  /** The config schema as JSON Schema (zod's toJSONSchema), for the API and the New job form. */
  configJsonSchema: unknown;
}

export interface LoadFolderOptions {
  dir: string;
  /** Tidemark's root: where node_modules and the SDK are, and the bundles are written. */
  cwd: string;
  /** Names a folder processor may not take (the built-ins). */
  reservedNames: Set<string>;
}

/** TIDEMARK_PROCESSORS_DIR, or ./processors, against the working directory. */
export function processorsDir(cwd = process.cwd()): string {
  return path.resolve(/*turbopackIgnore: true*/ cwd, process.env.TIDEMARK_PROCESSORS_DIR || "processors");
}

/** The folder's processor modules, by file name. */
export function processorFiles(dir: string): string[] {
  if (!fs.existsSync(/*turbopackIgnore: true*/ dir)) return [];
  return fs
    .readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(m?ts|m?js)$/.test(e.name) && !/\.(test|spec)\.m?[tj]s$/.test(e.name) && !e.name.endsWith(".d.ts") && !e.name.startsWith("_"))
    .map((e) => e.name)
    .sort();
}

let loads = 0;

export async function loadProcessorsFolder({ dir, cwd, reservedNames }: LoadFolderOptions): Promise<LoadedFolderProcessor[]> {
  const files = processorFiles(dir);
  if (files.length === 0) return [];
  // Beside node_modules, so the bundles' package imports (zod, ...) resolve; one folder per load, as
  // Node caches an imported module by its address for the life of the process.
  const outDir = path.join(cwd, process.env.NEXT_DIST_DIR || ".next", "tidemark-processors", `${process.pid}-${threadId}-${++loads}`);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  try {
    // zod as the bundles import it (node_modules), not a copy bundled into the server: its toJSONSchema reads their schemas.
    fs.writeFileSync(path.join(outDir, "zod-bridge.mjs"), 'export { toJSONSchema } from "zod";\n');
    const { toJSONSchema } = (await importFile(path.join(outDir, "zod-bridge.mjs"))) as { toJSONSchema: (schema: unknown, options: object) => unknown };
    const problems: FolderProblem[] = [];
    const loaded: LoadedFolderProcessor[] = [];
    for (const file of files) {
      const found = await loadFile(path.join(dir, file), outDir, cwd);
      if (typeof found === "string") problems.push({ file, problem: found });
      else for (const processor of found) loaded.push({ processor, source: file, configJsonSchema: null });
    }
    const seen = new Map<string, string>();
    for (const entry of loaded) {
      const { processor, source } = entry;
      const shape = checkProcessorShape(processor);
      if (shape.length > 0) {
        problems.push({ file: source, problem: `processor ${JSON.stringify(processor.name)}: ${shape.join("; ")}` });
        continue;
      }
      if (reservedNames.has(processor.name)) problems.push({ file: source, problem: `processor name '${processor.name}' is taken by a built-in processor` });
      else if (seen.has(processor.name)) problems.push({ file: source, problem: `processor name '${processor.name}' is also used in ${seen.get(processor.name)}` });
      seen.set(processor.name, source);
      try {
        entry.configJsonSchema = toJSONSchema(processor.configSchema, { io: "input", unrepresentable: "any" });
      } catch (error) {
        problems.push({ file: source, problem: `processor '${processor.name}': its configSchema cannot be described as JSON Schema (${message(error)})` });
      }
    }
    if (problems.length > 0) throw new ProcessorsFolderError(dir, problems);
    return loaded;
  } finally {
    // Imported modules live on in memory; their files are not needed any more.
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

/** The processors a file exports, or what is wrong with it. */
async function loadFile(file: string, outDir: string, cwd: string): Promise<Processor<unknown>[] | string> {
  const outfile = path.join(outDir, `${path.basename(file).replace(/\.[^.]+$/, "")}.mjs`);
  const esbuild = path.join(cwd, "node_modules", "esbuild", "bin", "esbuild");
  const args = [
    file,
    "--bundle",
    "--platform=node",
    "--format=esm",
    "--target=node20",
    "--packages=external",
    `--alias:tidemark/processor=${path.join(cwd, "lib/server/processors/sdk.ts")}`,
    `--outfile=${outfile}`,
    "--log-level=error",
    "--color=false",
  ];
  const built = spawnSync(esbuild, args, { cwd, encoding: "utf8", timeout: 60_000 });
  if (built.status !== 0) return `does not compile: ${compileErrors(built.stderr || built.error?.message || "esbuild failed")}`;
  let exports: Record<string, unknown>;
  try {
    exports = (await importFile(outfile)) as Record<string, unknown>;
  } catch (error) {
    return `failed while loading: ${message(error)}`;
  }
  const marked = Object.values(exports).filter((v): v is Processor<unknown> => typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[PROCESSOR_MARK] === true);
  const unique = [...new Set(marked)];
  if (unique.length === 0) return "exports no processor: export default defineProcessor({ ... }) from 'tidemark/processor'";
  return unique;
}

/** esbuild's errors as "message (at file:line:column)", without the source excerpts it draws. */
function compileErrors(stderr: string): string {
  const errors = [...stderr.matchAll(/\[ERROR\] ([^\n]+)\n\s*\n\s*([^\n]+?:\d+:\d+):/g)].map((m) => `${m[1]} (at ${path.basename(m[2])})`);
  return errors.length > 0 ? errors.join("; ") : stderr.trim().replace(/\s*\n\s*/g, " ");
}

function importFile(file: string): Promise<unknown> {
  // Chosen at run time: neither Next.js' bundler nor esbuild may resolve it at build time.
  return import(/* webpackIgnore: true */ /* turbopackIgnore: true */ /* @vite-ignore */ pathToFileURL(file).href);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
