import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";

/** How often the checkpointer copies committed WAL frames into the database file. */
export const CHECKPOINT_EVERY_MS = 200;

/**
 * Copies the WAL into the database file from a thread of its own. A connection whose commits would
 * otherwise run SQLite's automatic checkpoint (copying every page of a big batch again, then syncing
 * the file) turns that off (`wal_autocheckpoint = 0`) and leaves the work here: PASSIVE checkpoints
 * never block a writer or a reader, and on another core they cost the batch's thread nothing. A failed
 * or busy checkpoint is simply tried again at the next tick.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(databaseFile: string, everyMs = CHECKPOINT_EVERY_MS) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      name: "tidemark-wal-checkpointer",
      // Resolved as the server resolves its packages: from the project directory (the working directory).
      workerData: { databaseFile, everyMs, betterSqlite3: createRequire(path.join(/*turbopackIgnore: true*/ process.cwd(), "package.json")).resolve("better-sqlite3") },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    this.worker.on("error", (error) => console.error("[tidemark] WAL checkpointer failed", error));
    this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.unref();
  }

  /** Checkpoints one last time, closes its connection and ends the thread. */
  async stop(): Promise<void> {
    this.worker.postMessage("stop");
    await this.exited;
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.databaseFile, { timeout: 0 });
const checkpoint = () => { try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {} };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on("message", () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;
