import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { createPrismaClient } from "@/lib/server/db/client";
import { applyMigrations } from "@/lib/server/db/migrate";
import type { Db } from "@/lib/server/stores/tx";

/** A migrated SQLite file in a temp dir, as the server would have it. */
export function createTempDatabase(): { url: string; file: string; client(): Db; remove(): void } {
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
