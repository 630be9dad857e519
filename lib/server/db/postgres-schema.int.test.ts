// The PostgreSQL schema and migrations (prisma/postgresql) are generated from prisma/schema.prisma by
// scripts/db/postgres-schema.ts: these tests fail when they drift apart, and check that the migrations,
// applied at start as Prisma would, leave Prisma's own records and refuse to run twice at once.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { generatePostgresSchema, POSTGRES_MIGRATIONS, POSTGRES_SCHEMA } from "../../../scripts/db/postgres-schema";
import { NO_FILTERS, openSchemaEngine, readMigrationList } from "../../../scripts/db/schema-engine-wasm";
import { queryPostgres as query } from "@/lib/testing/postgres-query";
import { createTempDatabase, testingOnPostgres } from "@/lib/testing/temp-db";
import { listMigrations } from "./migrate";
import { applyPostgresMigrations, DEFAULT_POSTGRES_MIGRATIONS_DIR } from "./migrate-postgres";

const root = process.cwd();

/** An empty database on the test cluster (not copied from the migrated template). */
async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = inject("postgresUrl");
  const name = `tidemark_empty_${crypto.randomBytes(6).toString("hex")}`;
  await query(admin, `CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => query(admin, `DROP DATABASE "${name}" WITH (FORCE)`).then(() => undefined) };
}

// It needs the test cluster: it runs in the `postgres` vitest project only.
describe.runIf(testingOnPostgres)("PostgreSQL schema generated from prisma/schema.prisma", () => {
  it("is what the generator writes today, with no migration missing (run `npm run db:postgres` when this fails)", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-pg-drift-"));
    try {
      fs.cpSync(path.join(root, "prisma"), path.join(tmp, "prisma"), { recursive: true });
      const result = await generatePostgresSchema(tmp);
      expect(result.migration, "a model changed without a PostgreSQL migration").toBeNull();
      expect(fs.readFileSync(path.join(tmp, POSTGRES_SCHEMA), "utf8")).toBe(fs.readFileSync(path.join(root, POSTGRES_SCHEMA), "utf8"));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("is exactly what its migrations build, replayed by Prisma's schema engine into a shadow database", async () => {
    const engine = await openSchemaEngine({ schemaPath: path.join(root, POSTGRES_SCHEMA), databaseUrl: inject("postgresUrl") });
    try {
      const result = await engine.diff({
        from: { tag: "migrations", ...readMigrationList(path.join(root, POSTGRES_MIGRATIONS)) },
        to: { tag: "schemaDatamodel", files: [{ path: POSTGRES_SCHEMA, content: fs.readFileSync(path.join(root, POSTGRES_SCHEMA), "utf8") }] },
        script: true,
        exitCode: true,
        filters: NO_FILTERS,
      });
      expect(result.stdout?.replace(/^--.*$/gm, "").trim() ?? "").toBe("");
    } finally {
      engine.free();
    }
  });
});

describe.runIf(testingOnPostgres)("applyPostgresMigrations", () => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it("applies each migration once when two instances start together, with Prisma's rows in _prisma_migrations", async () => {
    const db = await emptyDatabase();
    drops.push(db.drop);
    const results = await Promise.all([applyPostgresMigrations(db.url), applyPostgresMigrations(db.url)]);
    const files = listMigrations(DEFAULT_POSTGRES_MIGRATIONS_DIR);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, files.length]);
    const rows = await query<{ migration_name: string; checksum: string; applied_steps_count: number; finished_at: Date | null }>(
      db.url,
      `SELECT migration_name, checksum, applied_steps_count, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(files.map((f) => [f.name, f.checksum, 1]));
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
    expect(await applyPostgresMigrations(db.url)).toEqual({ applied: [] });
  });

  it("refuses to start on a database whose applied migration was edited since", async () => {
    const temp = createTempDatabase();
    drops.push(async () => temp.remove());
    await query(temp.url, `UPDATE "_prisma_migrations" SET checksum = 'edited'`);
    await expect(applyPostgresMigrations(temp.url)).rejects.toThrow(/was modified after it was applied/);
  });
});
