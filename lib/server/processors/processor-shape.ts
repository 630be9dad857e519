import { PROCESSOR_NAME_PATTERN } from "@/lib/contracts/jobs";
import { reprocessingEffects } from "@/lib/contracts/resets";

/** A processor's own table: lower case (Tidemark's tables are PascalCase, SQLite compares names without case). */
export const PROCESSOR_TABLE_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

const optionalFunctions = ["deliver", "fold", "clear", "rollback", "batchHistoryMs"] as const;

/**
 * What is wrong with a value that claims to be a processor (from the processors folder, where types
 * are not checked): one message per problem, empty when it is usable.
 */
export function checkProcessorShape(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return ["is not an object"];
  const p = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p.name !== "string" || !PROCESSOR_NAME_PATTERN.test(p.name)) problems.push("name must be 1 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
  if (typeof p.description !== "string" || p.description.trim() === "") problems.push("description is required");
  if (typeof (p.configSchema as { safeParse?: unknown } | undefined)?.safeParse !== "function") problems.push("configSchema must be a zod schema");
  if (typeof p.process !== "function") problems.push("process(batch, tx) is required");
  for (const name of optionalFunctions) if (p[name] !== undefined && typeof p[name] !== "function") problems.push(`${name} must be a function`);
  if (p.readAhead !== undefined && typeof p.readAhead !== "boolean") problems.push("readAhead must be true or false");
  else if (p.readAhead === true && typeof p.fold !== "function") problems.push("readAhead needs a fold: only a fold is read ahead");
  if (p.reprocessing !== undefined && !(reprocessingEffects as readonly unknown[]).includes(p.reprocessing)) problems.push(`reprocessing must be one of ${reprocessingEffects.join(", ")}`);
  problems.push(...checkTables(p.tables), ...checkMigrations(p.migrations, p.tables), ...checkResults(p.results));
  return problems;
}

function checkTables(tables: unknown): string[] {
  if (tables === undefined) return [];
  if (!Array.isArray(tables)) return ["tables must be a list of table names"];
  const problems = tables.filter((t) => typeof t !== "string" || !PROCESSOR_TABLE_PATTERN.test(t)).map((t) => `table name ${JSON.stringify(t)} must be lower-case snake_case (a-z, 0-9, _), starting with a letter`);
  if (new Set(tables).size !== tables.length) problems.push("tables must not repeat");
  return problems;
}

function checkMigrations(migrations: unknown, tables: unknown): string[] {
  if (migrations === undefined) return [];
  if (!Array.isArray(migrations)) return ["migrations must be a list of { id, sql }"];
  const problems: string[] = [];
  if (migrations.length > 0 && (!Array.isArray(tables) || tables.length === 0)) problems.push("migrations need the tables they create declared in tables");
  const ids = new Set<string>();
  for (const [i, m] of migrations.entries()) {
    const { id, sql } = (m ?? {}) as { id?: unknown; sql?: unknown };
    if (typeof id !== "string" || id.trim() === "") problems.push(`migrations[${i}].id must be a non-empty string`);
    else if (ids.has(id)) problems.push(`migration id '${id}' is used twice`);
    else ids.add(id);
    const sqlOk = typeof sql === "string" || (typeof sql === "object" && sql !== null && Object.values(sql).every((s) => typeof s === "string") && Object.keys(sql).every((k) => k === "sqlite" || k === "postgresql"));
    if (!sqlOk) problems.push(`migrations[${i}].sql must be SQL text, or { sqlite, postgresql } texts`);
  }
  return problems;
}

function checkResults(results: unknown): string[] {
  if (results === undefined) return [];
  const r = results as { columns?: unknown; query?: unknown };
  const problems: string[] = [];
  if (!Array.isArray(r.columns) || r.columns.length === 0 || !r.columns.every((c) => typeof c?.key === "string" && typeof c?.label === "string")) problems.push("results.columns must be a list of { key, label }");
  if (typeof r.query !== "function") problems.push("results.query(db, jobId, page) is required");
  return problems;
}
