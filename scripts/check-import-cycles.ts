/**
 * `npm run check:cycles` (and a step of `npm test`): fails when the project's own modules import each other
 * in a cycle, type-only imports included. Resolution is TypeScript's own, with tsconfig.json's paths, so
 * `@/lib/...` imports count; generated Prisma clients and node_modules are left out.
 */
import path from "node:path";
import ts from "typescript";

const root = path.resolve(import.meta.dirname, "..");
const IGNORED = /[/\\](node_modules|generated[^/\\]*|\.next[^/\\]*)[/\\]/;

function loadConfig(): ts.ParsedCommandLine {
  const file = ts.findConfigFile(root, ts.sys.fileExists, "tsconfig.json");
  if (!file) throw new Error("tsconfig.json not found");
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  return ts.parseJsonConfigFileContent(config, ts.sys, root);
}

/** Each project file's imports (static, dynamic and re-exports) resolved to project files. */
export function importGraph(config: ts.ParsedCommandLine): Map<string, string[]> {
  const files = config.fileNames.filter((f) => !IGNORED.test(f));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(ts.sys.readFile(file) ?? "", true, true);
    const targets = new Set<string>();
    for (const ref of info.importedFiles) {
      const resolved = ts.resolveModuleName(ref.fileName, file, config.options, ts.sys).resolvedModule?.resolvedFileName;
      if (resolved && known.has(resolved) && resolved !== file) targets.add(resolved);
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan): each is at least one cycle. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

function main(): void {
  const graph = importGraph(loadConfig());
  const cycles = findCycles(graph);
  if (cycles.length === 0) {
    console.log(`no import cycles among ${graph.size} modules`);
    return;
  }
  for (const cycle of cycles) console.error(`import cycle: ${cycle.map((f) => path.relative(root, f)).join(" <-> ")}`);
  process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
