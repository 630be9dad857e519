import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migratingProcessor as processor } from "@/lib/testing/migrating-processor";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { applyProcessorMigrations, ProcessorMigrationError, referencedTables } from "./processor-migrations";

const databases: { remove(): void }[] = [];
afterAll(() => databases.forEach((d) => d.remove()));

function database() {
  const temp = createTempDatabase();
  databases.push(temp);
  return temp;
}


const create = { id: "001-totals", sql: `CREATE TABLE "totals" ("jobId" TEXT NOT NULL, "key" TEXT NOT NULL, "total" INTEGER NOT NULL, PRIMARY KEY ("jobId", "key"))` };

function query<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const tables = (file: string) => query<{ name: string }>(file, `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'totals%' ORDER BY name`).map((r) => r.name);
const recorded = (file: string) => query<{ migrationId: string }>(file, `SELECT "migrationId" FROM "ProcessorMigration" ORDER BY "migrationId"`).map((r) => r.migrationId);

async function failure(run: () => unknown): Promise<ProcessorMigrationError> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProcessorMigrationError);
    return error as ProcessorMigrationError;
  }
  throw new Error("expected a ProcessorMigrationError");
}

describe("processor migrations", () => {
  it("are applied in order, each once, and recorded; the dialect picks a migration's SQL", () => {
    const { url, file } = database();
    const second = { id: "002-delta", sql: { sqlite: `CREATE TABLE totals_delta ("jobId" TEXT, "batchId" INTEGER); CREATE INDEX totals_delta_batch ON totals_delta ("batchId")`, postgresql: "not run here" } };
    expect(applyProcessorMigrations(url, [processor([create, second])]).applied).toEqual(["totals/001-totals", "totals/002-delta"]);
    expect(applyProcessorMigrations(url, [processor([create, second])]).applied).toEqual([]);
    expect(tables(file)).toEqual(["totals", "totals_delta"]);
    expect(recorded(file)).toEqual(["001-totals", "002-delta"]);
  });

  it("a failing migration stops with its processor, id and error; it is rolled back and not recorded, earlier ones stay", async () => {
    const { url, file } = database();
    const failing = { id: "002-broken", sql: `CREATE TABLE totals_delta ("x" INTEGER); INSERT INTO totals_delta VALUES (1); INSERT INTO totals_nope VALUES (1)` };
    const error = await failure(() => applyProcessorMigrations(url, [processor([create, failing], ["totals", "totals_delta", "totals_nope"])]));
    expect(error.code).toBe("PROCESSOR_MIGRATION_FAILED");
    expect(error.message).toBe("processor 'totals', migration '002-broken': failed: no such table: totals_nope");
    expect(tables(file)).toEqual(["totals"]);
    expect(recorded(file)).toEqual(["001-totals"]);
  });

  it("a migration that names one of Tidemark's tables (or any table not declared) is refused before it runs", async () => {
    const { url, file } = database();
    const before = query(file, `SELECT sql FROM sqlite_master WHERE name = 'Job'`);
    for (const sql of [`ALTER TABLE "Job" ADD COLUMN "x" TEXT`, `DELETE FROM Batch`, `CREATE TABLE totals AS SELECT * FROM "KeyCount"`, `DROP TABLE IF EXISTS other`]) {
      const error = await failure(() => applyProcessorMigrations(url, [processor([{ id: "001", sql }])]));
      expect(error.message, sql).toMatch(/^processor 'totals', migration '001': touches table '(Job|Batch|KeyCount|other)', which is not one of its tables \(totals, totals_delta\)$/);
    }
    expect(query(file, `SELECT sql FROM sqlite_master WHERE name = 'Job'`)).toEqual(before);
    expect(recorded(file)).toEqual([]);
  });

  it("an applied migration whose SQL changed, or a table of Tidemark's or of another processor, stops the start", async () => {
    const { url } = database();
    applyProcessorMigrations(url, [processor([create])]);
    const edited = await failure(() => applyProcessorMigrations(url, [processor([{ ...create, sql: `${create.sql};` }])]));
    expect(edited.message).toContain("migration '001-totals': was changed after it was applied");
    expect((await failure(() => applyProcessorMigrations(url, [processor([], ["job"])]))).message).toBe("processor 'totals': table 'job' is one of Tidemark's");
    const other = { ...processor([]), name: "other" };
    expect((await failure(() => applyProcessorMigrations(url, [processor([]), other]))).message).toBe("processor 'other': table 'totals' is declared by processor 'totals' too");
  });

  it("finds table names in the statements a migration uses, not in comments or strings", () => {
    expect(referencedTables(`-- ALTER TABLE Job\nCREATE TABLE IF NOT EXISTS "a" (x TEXT DEFAULT 'DELETE FROM Job'); CREATE UNIQUE INDEX i ON b (x); INSERT INTO c SELECT * FROM d JOIN [e] ON 1; UPDATE \`f\` SET x = 1; ALTER TABLE g RENAME TO h`).sort()).toEqual(["a", "b", "c", "d", "e", "f", "g", "h"]);
  });
});
