import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTempDatabase, testingOnPostgres } from "@/lib/testing/temp-db";
import { claimLeases, ensureLeases, type HeldLease } from "./lease-store";

const TTL_MS = 1_500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// PostgreSQL only: on SQLite one machine runs every job, and a stopped process holds no lock of its own.
describe.runIf(testingOnPostgres)("a runtime paused in the middle of a batch commit on PostgreSQL", () => {
  it("does not keep the job: a claimer ends its stalled session after the TTL and takes the lease", async () => {
    const database = createTempDatabase();
    const db = database.client();
    const lease = "job:paused-mid-copy";
    await ensureLeases(db, [lease]);
    const [held] = await claimLeases(db, "paused", [lease], 1, TTL_MS);
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "../../testing/paused-copy-holder.ts")], {
      env: { ...process.env, DATABASE_URL: database.url, LEASE_TTL_MS: String(TTL_MS), OWNER: "paused", LEASE_NAME: lease, LEASE_EPOCH: String(held.epoch) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
        child.once("exit", (code) => reject(new Error(`the holder exited early (${code})`)));
      });
      child.kill("SIGSTOP");
      const pausedAt = Date.now();
      let taken: HeldLease[] = [];
      // The lease expires after its TTL; the paused session, waiting on its client in the COPY, keeps the
      // row locked until a claimer ends it.
      while (taken.length === 0 && Date.now() - pausedAt < 20_000) {
        taken = await claimLeases(db, "other", [lease], 1, TTL_MS);
        if (taken.length === 0) await sleep(200);
      }
      expect(taken.map((l) => l.epoch)).toEqual([held.epoch + 1]);
      expect(Date.now() - pausedAt).toBeLessThan(3 * TTL_MS + 3_000);
    } finally {
      child.kill("SIGKILL");
      await db.$disconnect();
      await sleep(200);
      database.remove();
    }
  });
});
