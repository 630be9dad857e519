/**
 * Seeds lag history as the sampler and its roll-ups would leave it after running for `days`: raw samples
 * every `intervalMs` for the last 6 hours, and alongside them the tiers of `rollupTiers` (1-minute buckets
 * for 2 days, 15-minute and 1-hour buckets for the whole span, each up to its last completed bucket), for one
 * job with `partitions` partitions plus its total series.
 *
 *   npx tsx scripts/db/seed-lag.ts [--db file:./data/tidemark.db] [--partitions 64] [--days 7] [--interval 5000] [--job seed-lag]
 *
 * The job is created (stopped, topic `seed.lag`) if missing; existing samples of that job are replaced.
 */
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { rollupTiers } from "../../lib/domain/lag-retention";
import { applyMigrations, databaseFilePath } from "../../lib/server/db/migrate";

export interface SeedOptions {
  databaseUrl: string;
  partitions: number;
  days: number;
  intervalMs: number;
  jobName: string;
  nowMs?: number;
}

/** Returns the job id and the number of rows written. */
export function seedLag(opts: SeedOptions): { jobId: string; rows: number } {
  applyMigrations(opts.databaseUrl);
  const db = new Database(databaseFilePath(opts.databaseUrl));
  db.pragma("journal_mode = WAL");
  const now = opts.nowMs ?? Date.now();
  const topic = "seed.lag";
  let job = db.prepare(`SELECT "id" FROM "Job" WHERE "name" = ?`).get(opts.jobName) as { id: string } | undefined;
  if (!job) {
    job = { id: randomUUID() };
    const iso = new Date(now).toISOString();
    db.prepare(
      `INSERT INTO "Job" ("id","name","topics","processor","batchIntervalMs","startingOffsets","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?)`,
    ).run(job.id, opts.jobName, JSON.stringify([topic]), "count-by-key", 2000, "earliest", iso, iso);
  }
  db.prepare(`DELETE FROM "LagSample" WHERE "kind" = 'job' AND "subject" = ?`).run(job.id);
  const insert = db.prepare(
    `INSERT INTO "LagSample" ("kind","subject","topic","partition","ts","resolution","committedOffset","logStartOffset","logEndOffset","lag","lagMin","lagMax","timeLagMs","timeLagMaxMs","samples","isCommit","commitTs")
     VALUES ('job', ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
  );
  const tiers = rollupTiers(opts.days * 24 * 3_600_000, opts.intervalMs);
  // A daily rhythm with bursts: lag rises and falls, differently per partition.
  const lagAt = (p: number, ts: number) => Math.round(500 + 400 * Math.sin(ts / 3_600_000 + p) + (Math.floor(ts / 600_000 + p) % 7 === 0 ? 3000 : 0));
  let rows = 0;
  const write = db.transaction(() => {
    for (const tier of tiers) {
      const step = tier.resolutionMs || opts.intervalMs;
      const start = Math.ceil((now - tier.keepMs) / step) * step;
      // Raw samples up to now; a tier's bucket once it has ended.
      const end = tier.resolutionMs === 0 ? now + 1 : Math.floor(now / step) * step;
      const samples = Math.max(1, step / opts.intervalMs);
      // A bucket's min and max lie around its average; a raw sample's are the sample.
      const spread = (v: number, f: number) => (tier.resolutionMs === 0 ? v : Math.round(v * f));
      for (let ts = start; ts < end; ts += step) {
        let total = 0;
        let maxTimeLag = 0;
        for (let p = 0; p < opts.partitions; p++) {
          const lag = lagAt(p, ts);
          const logEnd = Math.floor((ts - (now - 8 * 86_400_000)) / 10) + 10_000;
          const timeLag = lag * 20;
          total += lag;
          maxTimeLag = Math.max(maxTimeLag, timeLag);
          insert.run(job!.id, topic, p, ts, tier.resolutionMs, logEnd - lag, logEnd, lag, spread(lag, 0.8), spread(lag, 1.2), timeLag, spread(timeLag, 2), samples, ts);
          rows++;
        }
        insert.run(job!.id, "", -1, ts, tier.resolutionMs, 0, 0, total, spread(total, 0.8), spread(total, 1.2), maxTimeLag, spread(maxTimeLag, 2), samples, ts);
        rows++;
      }
    }
  });
  write();
  db.close();
  return { jobId: job.id, rows };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1]?.endsWith("seed-lag.ts")) {
  const started = Date.now();
  const result = seedLag({
    databaseUrl: arg("db", process.env.DATABASE_URL ?? "file:./data/tidemark.db"),
    partitions: Number(arg("partitions", "64")),
    days: Number(arg("days", "7")),
    intervalMs: Number(arg("interval", "5000")),
    jobName: arg("job", "seed-lag"),
  });
  console.log(`seeded ${result.rows.toLocaleString("en-US")} lag rows for job ${result.jobId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
