import { countByKey } from "./count-by-key";
import { forward } from "./forward";
import type { Processor } from "./processor";
import { storeRecords } from "./store-records";

/** Where a processor comes from: "built-in", or the file of the processors folder that exports it. */
export interface RegisteredProcessor {
  processor: Processor<unknown>;
  source: string;
  /** The config schema as JSON Schema, when computed at load (folder processors: their own zod's toJSONSchema). */
  configJsonSchema?: unknown;
}

const processors = new Map<string, RegisteredProcessor>();

/**
 * Processors of the processors folder, loaded once per process (or worker thread) at start. They sit on
 * globalThis because Next.js loads instrumentation.ts (which loads them) and the route handlers as
 * separate module graphs of one process: a module-level map would be empty in the routes.
 */
const FOLDER_KEY = Symbol.for("tidemark.folderProcessors");
const folder = (): Map<string, RegisteredProcessor> => ((globalThis as Record<symbol, Map<string, RegisteredProcessor>>)[FOLDER_KEY] ??= new Map());

/** Makes a processor available to jobs by its name. Built-ins are registered below. */
export function registerProcessor<Config>(processor: Processor<Config>, source = "built-in"): void {
  processors.set(processor.name, { processor: processor as Processor<unknown>, source });
}

registerProcessor(countByKey);
registerProcessor(storeRecords);
registerProcessor(forward);

/** Installs the processors folder's processors (processors-folder.ts has checked their names are free). */
export function installFolderProcessors(loaded: RegisteredProcessor[]): void {
  const map = folder();
  map.clear();
  for (const entry of loaded) map.set(entry.processor.name, entry);
}

function lookup(name: string): RegisteredProcessor | undefined {
  return processors.get(name) ?? folder().get(name);
}

export function getProcessor(name: string): Processor<unknown> {
  const found = lookup(name);
  if (!found) throw new Error(`unknown processor '${name}'`);
  return found.processor;
}

export function hasProcessor(name: string): boolean {
  return lookup(name) !== undefined;
}

/** Built-ins first, then the folder's, each group by name. */
export function listProcessors(): RegisteredProcessor[] {
  const byName = (a: RegisteredProcessor, b: RegisteredProcessor) => a.processor.name.localeCompare(b.processor.name);
  return [...[...processors.values()].sort(byName), ...[...folder().values()].filter((e) => !processors.has(e.processor.name)).sort(byName)];
}

/** Names taken by built-in (or test-registered) processors, which a folder processor may not use. */
export function builtInNames(): Set<string> {
  return new Set(processors.keys());
}
