import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "./migrate";
import { createRuntimePrismaClient } from "../runtime/runtime-database";
import { WalCheckpointer } from "./wal-checkpointer";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-wal-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * A WAL database whose writer never checkpoints by itself, with 8 MB committed into its WAL. The writer
 * stays open: closing the last connection would checkpoint.
 */
function databaseWithUncheckpointedWal(name: string): { file: string; fileSizeAfterCommit: number; writer: Database.Database } {
  const file = path.join(tmp, `${name}.db`);
  const writer = new Database(file);
  writer.pragma("journal_mode = WAL");
  writer.pragma("wal_autocheckpoint = 0");
  writer.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)`);
  writer.pragma("wal_checkpoint(TRUNCATE)");
  const insert = writer.prepare(`INSERT INTO t (v) VALUES (?)`);
  writer.transaction(() => {
    for (let i = 0; i < 2048; i++) insert.run(Buffer.alloc(4096, i % 251));
  })();
  return { file, fileSizeAfterCommit: fs.statSync(file).size, writer };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("WalCheckpointer", () => {
  it("copies committed WAL frames into the database file from its own thread, and stops", async () => {
    const { file, fileSizeAfterCommit, writer } = databaseWithUncheckpointedWal("checkpointed");
    // The writer's commit left the pages in the WAL: the database file has not grown.
    expect(fileSizeAfterCommit).toBeLessThan(1024 * 1024);
    const checkpointer = new WalCheckpointer(file, 50);
    const deadline = Date.now() + 5_000;
    while (fs.statSync(file).size < 8 * 1024 * 1024 && Date.now() < deadline) await sleep(50);
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    await checkpointer.stop();
    expect(writer.prepare(`SELECT count(*) FROM t`).pluck().get()).toBe(2048);
    writer.close();
  });

  it("without it, a connection that does not checkpoint leaves the database file as it was", async () => {
    const { file, fileSizeAfterCommit, writer } = databaseWithUncheckpointedWal("unchecked");
    await sleep(500);
    expect(fs.statSync(file).size).toBe(fileSizeAfterCommit);
    expect(writer.prepare(`SELECT count(*) FROM t`).pluck().get()).toBe(2048);
    writer.close();
  });

  it("the runtime's client on SQLite can leave checkpoints to it (wal_autocheckpoint 0); the default keeps SQLite's 1000 pages", async () => {
    const url = `file:${path.join(tmp, "runtime.db")}`;
    applyMigrations(url);
    const pragma = async (autoCheckpoint?: boolean) => {
      const db = createRuntimePrismaClient(url, 15_000, autoCheckpoint === undefined ? {} : { autoCheckpoint });
      try {
        const [row] = await db.$queryRawUnsafe<{ wal_autocheckpoint: number | bigint }[]>("PRAGMA wal_autocheckpoint");
        return Number(row.wal_autocheckpoint);
      } finally {
        await db.$disconnect();
      }
    };
    expect(await pragma(false)).toBe(0);
    expect(await pragma()).toBe(1000);
  });
});
