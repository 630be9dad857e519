// `npm run processor:check` as a processor author runs it: a real tsx process on a processors folder.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const folders: string[] = [];
afterAll(() => folders.forEach((f) => fs.rmSync(f, { recursive: true, force: true })));

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-processor-check-test-"));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const example = (name: string) => fs.readFileSync(path.join(root, "processors/examples", name), "utf8");

const withMigrations = (name: string, migrations: string) => `import { z } from "zod";
import { defineProcessor } from "tidemark/processor";
export default defineProcessor({
  name: "${name}",
  description: "d",
  configSchema: z.strictObject({}),
  tables: ["${name.replace(/-/g, "_")}"],
  migrations: [${migrations}],
  async process() {},
});
`;

function check(dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/processor-check.ts"], { cwd: root, env: { ...process.env, TIDEMARK_PROCESSORS_DIR: dir } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// Each run starts tsx (a few seconds on a busy machine).
describe("npm run processor:check", { timeout: 60_000 }, () => {
  it("reports each processor of the folder (config, tables, migrations, results, phases) and that its migrations apply", async () => {
    const dir = folder({ "sum-field.ts": example("sum-field.ts"), "windowed-totals.ts": example("windowed-totals.ts"), "_helper.ts": "export const x = 1;" });
    const { code, stdout, stderr } = await check(dir);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`processors folder: ${dir}\n`);
    expect(stdout).toContain(
      [
        "sum-field  (sum-field.ts)",
        "  Sums a whole-number JSON field per message key",
        "  config: field",
        "  tables: sum_field_totals; migrations: 001-create-totals",
        "  results: Key, Total",
        "  also: clear; replay keeps results: added-again",
      ].join("\n"),
    );
    expect(stdout).toContain("windowed-totals  (windowed-totals.ts)");
    expect(stdout).toContain("  also: clear, rollback; replay keeps results: added-again");
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("ok: 2 processor(s); 2 migration(s) apply to a fresh database");
  });

  it("exits 1 with the server's message for a migration that fails, and for a built-in's name", async () => {
    const failing = folder({ "m.ts": withMigrations("migrating", `{ id: "001", sql: "CREATE TABLE migrating (x INTEGER)" }, { id: "002-broken", sql: "INSERT INTO migrating (y) VALUES (1)" }`) });
    const taken = folder({ "mine.ts": withMigrations("count-by-key", "") });
    const [migration, builtIn] = await Promise.all([check(failing), check(taken)]);
    expect(migration.code).toBe(1);
    expect(migration.stderr.trim()).toBe("processor 'migrating', migration '002-broken': failed: table migrating has no column named y");
    expect(migration.stdout).not.toContain("ok:");
    expect(builtIn.code).toBe(1);
    expect(builtIn.stderr).toContain("mine.ts: processor name 'count-by-key' is taken by a built-in processor");
  });
});
