import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_FILTERS, openSchemaEngine, readMigrationList } from "../../../scripts/db/schema-engine-wasm";
import { createPrismaClient } from "./client";
import { applyMigrations, databaseFilePath, DEFAULT_MIGRATIONS_DIR, listMigrations } from "./migrate";

const SCHEMA = path.join(process.cwd(), "prisma", "schema.prisma");

function modelTables(): string[] {
  const schema = fs.readFileSync(SCHEMA, "utf8");
  return [...schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)].map(
    ([, name, body]) => /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? name,
  );
}

describe("applyMigrations", () => {
  let tmp: string;
  let url: string;
  let file: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-migrate-"));
    file = path.join(tmp, "nested", "dir", "test.db");
    url = `file:${file}`;
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("resolves file: URLs against process.cwd()", () => {
    expect(databaseFilePath("file:./data/tidemark.db")).toBe(path.join(process.cwd(), "data", "tidemark.db"));
    expect(databaseFilePath("file:/abs/x.db")).toBe("/abs/x.db");
  });

  it("creates every table of the schema on a fresh database file", () => {
    const migrations = listMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const { applied } = applyMigrations(url);
    expect(applied).toEqual(migrations.map((m) => m.name));
    expect(fs.existsSync(file)).toBe(true);

    const db = new Database(file, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      );
      for (const t of modelTables()) expect(tables).toContain(t);
      expect(tables).toContain("_prisma_migrations");
    } finally {
      db.close();
    }
  });

  it("records one _prisma_migrations row per migration in Prisma's format", () => {
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`).all() as Record<
        string,
        unknown
      >[];
      const migrations = listMigrations();
      expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
      for (const [i, m] of migrations.entries()) {
        const row = rows[i];
        const sha = crypto.createHash("sha256").update(fs.readFileSync(m.file)).digest("hex");
        expect(row.checksum).toBe(sha);
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(row.logs).toBeNull();
        expect(row.rolled_back_at).toBeNull();
        expect(row.applied_steps_count).toBe(1);
        expect(typeof row.started_at).toBe("number");
        expect(typeof row.finished_at).toBe("number");
        expect(row.finished_at as number).toBeGreaterThanOrEqual(row.started_at as number);
      }
    } finally {
      db.close();
    }
  });

  it("applies nothing the second time", () => {
    expect(applyMigrations(url).applied).toEqual([]);
  });

  it("turns on WAL mode", () => {
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
  });

  it("agrees with Prisma's own schema engine (what `prisma migrate status/deploy` would see)", async () => {
    const engine = await openSchemaEngine({ schemaPath: SCHEMA, databaseUrl: url });
    try {
      const diagnosis = await engine.diagnoseMigrationHistory({
        migrationsList: readMigrationList(DEFAULT_MIGRATIONS_DIR),
        optInToShadowDatabase: false,
        filters: NO_FILTERS,
      });
      expect(diagnosis).toMatchObject({
        editedMigrationNames: [],
        failedMigrationNames: [],
        hasMigrationsTable: true,
        history: null,
      });
    } finally {
      engine.free();
    }
  }, 30_000);

  it("refuses when an applied migration file was edited", () => {
    const dir = path.join(tmp, "migrations");
    fs.cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const first = listMigrations(dir)[0];
    fs.appendFileSync(first.file, "\n-- edited\n");
    expect(() => applyMigrations(url, dir)).toThrow(/was modified after it was applied/);
  });

  it("rolls back a failing migration and leaves it unrecorded", () => {
    const dbUrl = `file:${path.join(tmp, "failing.db")}`;
    const dir = path.join(tmp, "failing-migrations");
    fs.cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    fs.mkdirSync(path.join(dir, "99999999999999_broken"));
    fs.writeFileSync(
      path.join(dir, "99999999999999_broken", "migration.sql"),
      `CREATE TABLE "Partial" ("id" INTEGER);\nTHIS IS NOT SQL;\n`,
    );
    expect(() => applyMigrations(dbUrl, dir)).toThrow(/Migration 99999999999999_broken failed/);
    const db = new Database(databaseFilePath(dbUrl), { readonly: true });
    try {
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'Partial'`).get()).toBeUndefined();
      const names = (db.prepare(`SELECT migration_name FROM "_prisma_migrations"`).all() as { migration_name: string }[]).map(
        (r) => r.migration_name,
      );
      expect(names).toEqual(listMigrations().map((m) => m.name));
    } finally {
      db.close();
    }
  });

  it("stores records in a WITHOUT ROWID table, and the migration that made it so keeps the rows stored before", () => {
    const dir = path.join(tmp, "before-without-rowid");
    fs.mkdirSync(dir);
    const all = listMigrations();
    const last = all.findIndex((m) => m.name.endsWith("_stored_record_without_rowid"));
    expect(last).toBeGreaterThan(0);
    for (const m of all.slice(0, last)) fs.cpSync(path.dirname(m.file), path.join(dir, m.name), { recursive: true });
    const dbUrl = `file:${path.join(tmp, "stored-records.db")}`;
    applyMigrations(dbUrl, dir);
    const rows = [
      [7, 0, 1_700_000_000_000, Buffer.from("k0"), Buffer.from("v0"), null, 1],
      [7, 1, 1_700_000_000_001, null, Buffer.alloc(300_000, 1), `{"h":"1"}`, 2],
      [8, 5, 1_700_000_000_002, Buffer.from("k5"), null, null, 2],
    ];
    const read = (db: Database.Database) => db.prepare(`SELECT * FROM "StoredRecord" ORDER BY "streamId", "offset"`).raw().all();
    const before = new Database(databaseFilePath(dbUrl));
    try {
      const insert = before.prepare(`INSERT INTO "StoredRecord" ("streamId", "offset", "timestamp", "key", "value", "headers", "batchId") VALUES (?, ?, ?, ?, ?, ?, ?)`);
      for (const r of rows) insert.run(...r);
      expect(before.prepare(`SELECT sql FROM sqlite_master WHERE name = 'StoredRecord'`).pluck().get()).not.toMatch(/WITHOUT ROWID/);
    } finally {
      before.close();
    }
    applyMigrations(dbUrl);
    const after = new Database(databaseFilePath(dbUrl));
    try {
      expect(after.prepare(`SELECT sql FROM sqlite_master WHERE name = 'StoredRecord'`).pluck().get()).toMatch(/\) WITHOUT ROWID$/);
      // One b-tree: no separate index on the primary key.
      expect(after.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'StoredRecord'`).pluck().get()).toBe(0);
      expect(read(after)).toEqual(rows.map((r) => r.map((v) => (typeof v === "string" || v === null || Buffer.isBuffer(v) ? v : Number(v)))));
      expect(() => after.prepare(`INSERT INTO "StoredRecord" VALUES (7, 0, 0, NULL, NULL, NULL, 3)`).run()).toThrow(/UNIQUE|PRIMARY KEY/);
    } finally {
      after.close();
    }
  });

  it("gives a working PrismaClient: create/read a Job; a throwing interactive transaction rolls back", async () => {
    const prisma = createPrismaClient(url, { busyTimeoutMs: 2000 });
    try {
      const job = await prisma.job.create({
        data: {
          id: "job-1",
          name: "count-by-key",
          topics: JSON.stringify(["events"]),
          processor: "count-by-key",
          batchIntervalMs: 1000,
          startingOffsets: "earliest",
          recordsProcessed: 12345678901234n,
        },
      });
      expect(job.desiredState).toBe("stopped");
      const read = await prisma.job.findUnique({ where: { id: "job-1" } });
      expect(read?.name).toBe("count-by-key");
      expect(read?.recordsProcessed).toBe(12345678901234n);
      expect(read?.createdAt).toBeInstanceOf(Date);

      await expect(
        prisma.$transaction(async (tx) => {
          await tx.job.update({ where: { id: "job-1" }, data: { status: "running" } });
          await tx.jobOffset.create({ data: { jobId: "job-1", topic: "events", partition: 0, offset: 42n } });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");

      expect((await prisma.job.findUniqueOrThrow({ where: { id: "job-1" } })).status).toBe("stopped");
      expect(await prisma.jobOffset.count()).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
  });
});
