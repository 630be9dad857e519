import fs from "node:fs";
import path from "node:path";

const apiDir = path.resolve(__dirname, "../app/api");

/**
 * Every state-changing endpoint the app defines, as "METHOD /api/path/:param", found by scanning
 * app/api/**\/route.ts for exported POST, PUT, PATCH and DELETE handlers. Tables of endpoints in the
 * specs are compared against this, so a new endpoint cannot be added without being tested.
 */
export function mutatingEndpoints(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts" || entry.name === "route.js") {
        const source = fs.readFileSync(full, "utf8");
        const route = "/api/" + path.relative(apiDir, dir).split(path.sep).map((s) => s.replace(/^\[(.+)\]$/, ":$1")).join("/");
        const methods = new Set<string>();
        for (const m of source.matchAll(/export\s+(?:const|let|var|async\s+function|function)\s+(POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]);
        for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) for (const name of m[1].split(",")) {
          const exported = name.trim().split(/\s+as\s+/).at(-1);
          if (exported && /^(POST|PUT|PATCH|DELETE)$/.test(exported)) methods.add(exported);
        }
        for (const method of methods) found.push(`${method} ${route.replace(/\/$/, "")}`);
      }
    }
  };
  walk(apiDir);
  return found.sort();
}
