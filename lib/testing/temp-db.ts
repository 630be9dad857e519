import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject, type ProvidedContext } from "vitest";
import { createPrismaClient } from "@/lib/server/db/client";
import { applyMigrations } from "@/lib/server/db/migrate";
import type { Db } from "@/lib/server/stores/tx";
import { postgresBinDir } from "@/scripts/db/postgres-cluster";

declare module "vitest" {
  export interface ProvidedContext {
    /** TEST_DATABASE=postgres: a superuser's URL on the test cluster (scripts/test/vitest-postgres-setup.ts). */
    postgresUrl: string;
    /** The migrated template database each test database is copied from. */
    postgresTemplate: string;
  }
}
export type PostgresProvidedContext = Pick<ProvidedContext, "postgresUrl" | "postgresTemplate">;

/** True when the tests run on PostgreSQL (the `postgres` vitest project sets TEST_DATABASE=postgres). */
export const testingOnPostgres = process.env.TEST_DATABASE === "postgres";

export type TempDatabase = { url: string; file: string; client(): Db; remove(): void };

/**
 * A migrated database, as the server would have it: a SQLite file in a temp dir, or (TEST_DATABASE=postgres)
 * a fresh PostgreSQL database on the test cluster, copied from the migrated template.
 */
export function createTempDatabase(): TempDatabase {
  return testingOnPostgres ? createTempPostgresDatabase() : createTempSqliteDatabase();
}

function createTempSqliteDatabase(): TempDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-db-"));
  const file = path.join(dir, "tidemark.db");
  const url = `file:${file}`;
  applyMigrations(url);
  return {
    url,
    file,
    client: () => createPrismaClient(url, { busyTimeoutMs: 10_000 }),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function createTempPostgresDatabase(): TempDatabase {
  const admin = inject("postgresUrl");
  const name = `tidemark_test_${crypto.randomBytes(6).toString("hex")}`;
  // Synchronous, as the SQLite variant: tests make their database while vitest collects them.
  const psql = (sql: string) => {
    const result = spawnSync(path.join(postgresBinDir(), "psql"), [admin, "-v", "ON_ERROR_STOP=1", "-qc", sql], { encoding: "utf8", timeout: 60_000 });
    if (result.status !== 0) throw new Error(`psql ${sql}: ${result.stderr || result.error?.message}`);
  };
  psql(`CREATE DATABASE "${name}" TEMPLATE "${inject("postgresTemplate")}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    file: "",
    client: () => createPrismaClient(url.toString(), { poolSize: 5 }),
    remove: () => psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/**
 * For the tests of one file (or describe block): a temp database made now, and after those tests its client
 * disconnected and its file removed.
 */
export function tempDatabaseForTests(): Db {
  const temp = createTempDatabase();
  const db = temp.client();
  afterAll(async () => {
    await db.$disconnect();
    temp.remove();
  });
  return db;
}

/** Polls until the check returns true or the time runs out (then throws with the last state). */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    // A check that asks Kafka can fail for a moment (metadata of a topic created a moment ago): that is "not yet".
    try {
      if (await check()) return;
      lastError = null;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const cause = lastError instanceof Error ? `; last check failed: ${lastError.message}` : "";
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}
