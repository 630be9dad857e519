// Processor migrations on a real PostgreSQL database (the `postgres` vitest project's cluster): applied
// once under the advisory lock, recorded, rolled back when they fail or reach beyond their tables.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migratingProcessor as processor } from "@/lib/testing/migrating-processor";
import { queryPostgres as query } from "@/lib/testing/postgres-query";
import { createTempDatabase, testingOnPostgres } from "@/lib/testing/temp-db";
import { loadProcessors } from "./load-processors";
import { ProcessorMigrationError } from "./processor-migrations";
import { applyPostgresProcessorMigrations } from "./processor-migrations-postgres";

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function database(): string {
  const temp = createTempDatabase();
  cleanups.push(() => temp.remove());
  return temp.url;
}


const create = { id: "001-totals", sql: { sqlite: "not run here", postgresql: `CREATE TABLE totals ("jobId" TEXT NOT NULL, "key" TEXT NOT NULL, "total" BIGINT NOT NULL, PRIMARY KEY ("jobId", "key"))` } };
const second = { id: "002-delta", sql: `CREATE TABLE totals_delta ("id" BIGSERIAL PRIMARY KEY, "jobId" TEXT, "batchId" INTEGER); CREATE INDEX totals_delta_batch ON totals_delta ("batchId")` };

const tables = async (url: string) => (await query<{ name: string }>(url, `SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'totals%' ORDER BY 1`)).map((r) => r.name);
const recorded = async (url: string) =>
  query<{ migrationId: string; appliedAt: Date }>(url, `SELECT "migrationId", "appliedAt" AT TIME ZONE 'UTC' AS "appliedAt" FROM "ProcessorMigration" ORDER BY "migrationId"`);

async function failure(run: () => Promise<unknown>): Promise<ProcessorMigrationError> {
  const error = await run().then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProcessorMigrationError);
  expect((error as ProcessorMigrationError).code).toBe("PROCESSOR_MIGRATION_FAILED");
  return error as ProcessorMigrationError;
}

describe.runIf(testingOnPostgres)("processor migrations on PostgreSQL", () => {
  it("are applied in order, each once, with their postgresql SQL, recorded with a UTC time; instances starting together apply each once", async () => {
    const url = database();
    const startedAt = Date.now();
    // Three instances at once: the advisory lock makes them take turns, so exactly one applies each migration.
    const runs = await Promise.all([1, 2, 3].map(() => applyPostgresProcessorMigrations(url, [processor([create, second])])));
    expect(runs.flatMap((r) => r.applied).sort()).toEqual(["totals/001-totals", "totals/002-delta"]);
    expect(await tables(url)).toEqual(["totals", "totals_delta"]);
    const rows = await recorded(url);
    expect(rows.map((r) => r.migrationId)).toEqual(["001-totals", "002-delta"]);
    for (const r of rows) expect(Math.abs(new Date(r.appliedAt).getTime() - startedAt)).toBeLessThan(60_000);
    expect((await applyPostgresProcessorMigrations(url, [processor([create, second])])).applied).toEqual([]);
  });

  it("a failing migration stops with its processor, id and error; it is rolled back and not recorded, earlier ones stay", async () => {
    const url = database();
    const failing = { id: "002-delta", sql: `CREATE TABLE totals_delta ("x" INTEGER); INSERT INTO totals_nope VALUES (1)` };
    const error = await failure(() => applyPostgresProcessorMigrations(url, [processor([create, failing], ["totals", "totals_delta", "totals_nope"])]));
    expect(error.message).toMatch(/^processor 'totals', migration '002-delta': failed: relation "totals_nope" does not exist/);
    expect(await tables(url)).toEqual(["totals"]);
    expect((await recorded(url)).map((r) => r.migrationId)).toEqual(["001-totals"]);
  });

  it("one reaching beyond its tables is refused before it runs, or rolled back when it changed another table anyway; an edited one is refused", async () => {
    const url = database();
    const touches = await failure(() => applyPostgresProcessorMigrations(url, [processor([{ id: "001", sql: `TRUNCATE "Job"` }])]));
    expect(touches.message).toBe("processor 'totals', migration '001': touches table 'Job', which is not one of its tables (totals, totals_delta)");
    // Hidden in a string the name check blanks out: the schema comparison catches it.
    const hidden = { id: "001", sql: `CREATE TABLE totals ("x" INTEGER); DO $$ BEGIN EXECUTE 'ALTER TABLE "Job" ADD COLUMN "sneaky" INTEGER'; END $$` };
    expect((await failure(() => applyPostgresProcessorMigrations(url, [processor([hidden])]))).message).toBe("processor 'totals', migration '001': changed tables that are not its own");
    expect(await query(url, `SELECT 1 FROM information_schema.columns WHERE column_name = 'sneaky'`)).toEqual([]);
    expect(await tables(url)).toEqual([]);

    await applyPostgresProcessorMigrations(url, [processor([create])]);
    const edited = { ...create, sql: { postgresql: `${create.sql.postgresql};` } };
    expect((await failure(() => applyPostgresProcessorMigrations(url, [processor([edited])]))).message).toMatch(/migration '001-totals': was changed after it was applied/);
  });

  it("a processors folder processor's migrations run at start (loadProcessors) on PostgreSQL", async () => {
    const url = database();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-processors-"));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(
      path.join(dir, "pg-totals.ts"),
      `import { z } from "zod";
import { defineProcessor } from "tidemark/processor";
export default defineProcessor({
  name: "pg-totals",
  description: "t",
  configSchema: z.object({}),
  tables: ["pg_totals"],
  migrations: [{ id: "001", sql: { sqlite: 'CREATE TABLE pg_totals ("n" INTEGER)', postgresql: 'CREATE TABLE pg_totals ("n" BIGINT GENERATED ALWAYS AS IDENTITY)' } }],
  async process() {},
});
`,
    );
    expect((await loadProcessors({ dir, cwd: process.cwd(), databaseUrl: url })).migrations).toEqual(["pg-totals/001"]);
    expect(await query(url, `SELECT is_identity FROM information_schema.columns WHERE table_name = 'pg_totals'`)).toEqual([{ is_identity: "YES" }]);
  });
});
