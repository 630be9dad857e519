/**
 * Lag benchmarks (issue 5). Runnable alone: `npx tsx scripts/bench/lag.ts [--quick] [--ui] [--only queries,maintenance,sampler,ui]`.
 *
 * 1. Job page lag queries on 7 days × 64 partitions of samples (scripts/db/seed-lag.ts): the total series
 *    and the per-partition series for each range of the picker, one partition, and the status read.
 * 2. Roll-ups and pruning (the sampler's maintenance, every minute) with 100 consumer groups × 64
 *    partitions and a job of 64 partitions: a minute's run, the run at a full hour (every tier has a
 *    bucket to build), and catching up 6 hours of raw samples into empty tiers.
 * 3. Sampler cost per tick for 100 consumer groups × 64 partitions, on a real local broker (a topic of 64
 *    partitions, 100 groups with committed offsets, every partition lagging so each tick also looks up
 *    record timestamps), and the same with an in-memory Kafka to separate database cost from Kafka's.
 * 4. With --ui (needs a production build, made into .next-lag when missing): the job page in Chromium,
 *    scripts/bench/lag-ui.ts.
 *
 * Prints a Markdown section for BENCHMARKS.md.
 *
 * One script over 300 lines on purpose: its steps share the broker, the data and the peers they compare.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Kafka } from "kafkajs";
import Database from "better-sqlite3";
import { seedLag } from "../db/seed-lag";
import { benchLagUi } from "./lag-ui";
import { startBroker } from "../kafka/broker";
import { quietKafka } from "../kafka/tools";
import { positionKey, type ConsumerGroupInfo, type LagSource } from "../../lib/domain/lag-source";
import type { Clock } from "../../lib/domain/ports";
import { createPrismaClient } from "../../lib/server/db/client";
import { applyMigrations, databaseFilePath } from "../../lib/server/db/migrate";
import { rollupTiers } from "../../lib/domain/lag-retention";
import { KafkaLagSource } from "../../lib/server/lag/kafka-lag-source";
import { LagSampler } from "../../lib/server/lag/lag-sampler";
import { countSamples } from "../../lib/server/lag/lag-store";
import { rollupAndPrune } from "../../lib/server/lag/lag-rollup";
import { jobLagSeries, jobLagStatus } from "../../lib/server/lag/lag-service";
import { findJob } from "../../lib/server/stores/job-store";
import { createCluster } from "../../lib/server/kafka/kafkajs-internals";

const quick = process.argv.includes("--quick");
const onlyArg = process.argv.indexOf("--only");
const parts = new Set(onlyArg >= 0 ? process.argv[onlyArg + 1].split(",") : ["queries", "maintenance", "sampler", ...(process.argv.includes("--ui") ? ["ui"] : [])]);
const GROUPS = 100;
const PARTITIONS = 64;

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

async function time<T>(work: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await work();
  return [performance.now() - t, r];
}

async function benchQueries(dir: string): Promise<string[]> {
  const url = `file:${path.join(dir, "query.db")}`;
  const [seedMs, seeded] = await time(async () => seedLag({ databaseUrl: url, partitions: PARTITIONS, days: 7, intervalMs: 5000, jobName: "bench-lag" }));
  const db = createPrismaClient(url);
  const job = (await findJob(db, "bench-lag"))!;
  const ctx = { db, nowMs: Date.now(), intervalMs: 5000 };
  const lines = [
    `Seeded ${seeded.rows.toLocaleString("en-US")} rows (7 days × ${PARTITIONS} partitions + the total, in their roll-up tiers) in ${(seedMs / 1000).toFixed(1)} s; database ${(fs.statSync(path.join(dir, "query.db")).size / 2 ** 20).toFixed(0)} MiB.`,
    "",
    "| query (what the job page asks) | points | median | p95 |",
    "| --- | --- | --- | --- |",
  ];
  const runs = quick ? 5 : 20;
  for (const [label, rangeMs, partition, points] of [
    ["total lag, 15m", 15 * 60_000, undefined, 500],
    ["total lag, 1h", 3_600_000, undefined, 500],
    ["total lag, 6h", 6 * 3_600_000, undefined, 500],
    ["total lag, 24h", 24 * 3_600_000, undefined, 500],
    ["total lag, 7d", 7 * 24 * 3_600_000, undefined, 500],
    ["per partition (64 series), 15m", 15 * 60_000, "all", 120],
    ["per partition (64 series), 1h", 3_600_000, "all", 120],
    ["per partition (64 series), 6h", 6 * 3_600_000, "all", 120],
    ["per partition (64 series), 24h", 24 * 3_600_000, "all", 120],
    ["per partition (64 series), 7d", 7 * 24 * 3_600_000, "all", 120],
    ["one partition, 7d", 7 * 24 * 3_600_000, "seed.lag:7", 500],
  ] as const) {
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < runs; i++) {
      const [t, r] = await time(() => jobLagSeries(ctx, job, { from: ctx.nowMs - rangeMs, to: ctx.nowMs, points, partition }));
      times.push(t);
      count = partition === "all" ? Math.max(...(r.partitions ?? []).map((p) => p.points.length)) : partition ? r.partitions![0].points.length : r.total.length;
    }
    const s = stats(times);
    lines.push(`| ${label} | ${count}${partition === "all" ? " per series" : ""} | ${ms(s.median)} | ${ms(s.p95)} |`);
  }
  const statusTimes: number[] = [];
  for (let i = 0; i < runs; i++) statusTimes.push((await time(() => jobLagStatus(ctx, job)))[0]);
  lines.push(`| status (GET /api/jobs/:id/status) | — | ${ms(stats(statusTimes).median)} | ${ms(stats(statusTimes).p95)} |`);
  await db.$disconnect();
  return lines;
}

/**
 * The sampler's maintenance as it runs every minute: 6 hours of raw samples of a job (64 partitions) and
 * of 100 groups' totals, the last 16 minutes of the groups' 64 partitions each (they are kept 15), written
 * straight into SQLite; then rollupAndPrune at three times: two minutes before a full hour (the tiers are
 * empty: it catches up 6 hours), a minute later, and at the hour (every tier has a bucket to build).
 */
async function benchMaintenance(dir: string): Promise<string[]> {
  const url = `file:${path.join(dir, "maintenance.db")}`;
  applyMigrations(url);
  const hour = 3_600_000;
  const now = Math.floor(Date.now() / hour) * hour + 2000;
  const raw = new Database(databaseFilePath(url));
  raw.pragma("journal_mode = WAL");
  const insert = raw.prepare(
    `INSERT INTO "LagSample" ("kind","subject","topic","partition","ts","resolution","committedOffset","logStartOffset","logEndOffset","lag","lagMin","lagMax","timeLagMs","timeLagMaxMs","samples","isCommit","commitTs")
     VALUES (?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?, ?, ?, ?, 1, 1, ?)`,
  );
  let rows = 0;
  const row = (kind: string, subject: string, topic: string, partition: number, ts: number, lag: number) => {
    insert.run(kind, subject, topic, partition, ts, 10_000 - lag, 10_000, lag, lag, lag, lag * 10, lag * 10, ts);
    rows++;
  };
  raw.transaction(() => {
    for (let ts = Math.ceil((now - 6 * hour) / 5000) * 5000; ts <= now; ts += 5000) {
      for (let g = 0; g < GROUPS; g++) {
        row("group", `group-${g}`, "", -1, ts, 500 + g);
        if (ts >= now - 16 * 60_000) for (let p = 0; p < PARTITIONS; p++) row("group", `group-${g}`, "bench.lag", p, ts, 5 + p);
      }
      for (let p = -1; p < PARTITIONS; p++) row("job", "bench-job", p < 0 ? "" : "bench.lag", p, ts, 100 + p);
    }
  })();
  raw.close();
  const db = createPrismaClient(url);
  const tiers = rollupTiers(7 * 86_400_000, 5000);
  const run = async (at: number) => (await time(() => rollupAndPrune(db, at, tiers, 15 * 60_000)))[0];
  const catchUp = await run(now - 2 * 60_000);
  const minute = await run(now - 60_000);
  const atHour = await run(now);
  const after = await countSamples(db);
  await db.$disconnect();
  return [
    `${rows.toLocaleString("en-US")} raw rows: 6 h of a job (64 partitions + total) and of ${GROUPS} groups' totals at 5 s, and the last 16 min of the groups' ${(GROUPS * PARTITIONS).toLocaleString("en-US")} partitions; ${after.toLocaleString("en-US")} rows after the three runs.`,
    "",
    "| roll-ups and pruning (one transaction) | time |",
    "| --- | --- |",
    `| a minute's run (1-minute buckets; groups' partition samples older than 15 min deleted: none yet) | ${ms(minute)} |`,
    `| at a full hour (1-minute, 15-minute and 1-hour buckets; a minute of groups' partition samples, ${(12 * GROUPS * PARTITIONS).toLocaleString("en-US")} rows, deleted) | ${ms(atHour)} |`,
    `| catching up 6 h of raw samples into empty tiers | ${ms(catchUp)} |`,
  ];
}

/** 100 groups with offsets committed halfway on every partition: OffsetCommit as a "simple" (memberless) group. */
async function commitGroups(kafka: Kafka, topic: string, groups: string[], offsets: Map<number, number>) {
  const cluster = createCluster(kafka) as unknown as {
    connect(): Promise<void>;
    disconnect(): Promise<void>;
    findGroupCoordinator(a: { groupId: string }): Promise<{ offsetCommit(r: object): Promise<unknown> }>;
  };
  await cluster.connect();
  for (const groupId of groups) {
    // A fresh broker's group coordinator needs a moment (__consumer_offsets is being created): retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await commitOnce(cluster, groupId, topic, offsets);
        break;
      } catch (error) {
        if (attempt >= 30) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  await cluster.disconnect();
}

async function commitOnce(
  cluster: { findGroupCoordinator(a: { groupId: string }): Promise<{ offsetCommit(r: object): Promise<unknown> }> },
  groupId: string,
  topic: string,
  offsets: Map<number, number>,
) {
  {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    await coordinator.offsetCommit({
      groupId,
      groupGenerationId: -1,
      memberId: "",
      retentionTime: -1,
      topics: [{ topic, partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset) })) }],
    });
  }
}

class StillClock implements Clock {
  t = Date.now();
  now() {
    return this.t;
  }
  async sleep() {}
}

async function benchSampler(dir: string): Promise<string[]> {
  const broker = await startBroker({ dataDir: path.join(dir, "kafka") });
  const kafka = quietKafka(broker.brokers, "bench-lag");
  const topic = "bench.lag";
  const lines: string[] = [];
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let round = 0; round < 4; round++) {
      await producer.send({ topic, messages: Array.from({ length: PARTITIONS * 50 }, (_, i) => ({ partition: i % PARTITIONS, value: `r${round}-${i}` })) });
    }
    await producer.disconnect();
    const groups = Array.from({ length: GROUPS }, (_, i) => `bench-group-${String(i).padStart(3, "0")}`);
    // Each group at a different offset: distinct positions, so timestamp lookups are not shared between groups.
    for (const [i, g] of groups.entries()) await commitGroups(kafka, topic, [g], new Map(Array.from({ length: PARTITIONS }, (_, p) => [p, 10 + ((i * 7 + p) % 150)])));

    const url = `file:${path.join(dir, "sampler.db")}`;
    applyMigrations(url);
    const db = createPrismaClient(url, { busyTimeoutMs: 30_000 });
    const source = new KafkaLagSource(kafka);
    const clock = new StillClock();
    const sampler = new LagSampler({ db, source, clock, intervalMs: 5000, retentionMs: 7 * 86_400_000 });
    const ticks = quick ? 5 : 12;
    const real: number[] = [];
    let first = 0;
    let rows = 0;
    let lookups = 0;
    for (let i = 0; i < ticks; i++) {
      const s = await sampler.tick();
      if (i === 0) {
        first = s.ms;
        lookups = s.timestampLookups;
      } else real.push(s.ms);
      rows = s.rows;
      clock.t += 5000;
    }

    // Same shape without Kafka: what the database and the evaluation cost per tick.
    const groupsInfo: ConsumerGroupInfo[] = (await source.groups()).filter((g) => g.groupId.startsWith("bench-group-"));
    const offsets = new Map(await Promise.all(groupsInfo.map(async (g) => [g.groupId, await source.groupOffsets(g.groupId)] as const)));
    const log = await source.logOffsets([topic]);
    const memory: LagSource = {
      logOffsets: async () => log,
      groups: async () => groupsInfo,
      describeGroups: async (ids) => groupsInfo.filter((g) => ids.includes(g.groupId)),
      groupOffsets: async (id) => offsets.get(id) ?? [],
      recordTimestamps: async (ps) => new Map(ps.map((p) => [positionKey(p), clock.t - 1000])),
      offsetsForTime: async () => [],
      topicNames: async () => [topic],
      brokers: async () => [],
      close: async () => {},
    };
    const db2 = createPrismaClient(`file:${path.join(dir, "sampler-mem.db")}`);
    applyMigrations(`file:${path.join(dir, "sampler-mem.db")}`);
    const memSampler = new LagSampler({ db: db2, source: memory, clock, intervalMs: 5000, retentionMs: 7 * 86_400_000 });
    const mem: number[] = [];
    for (let i = 0; i < ticks; i++) {
      const s = await memSampler.tick();
      if (i > 0) mem.push(s.ms);
      clock.t += 5000;
    }
    await source.close();
    await db.$disconnect();
    await db2.$disconnect();

    const r = stats(real);
    const m = stats(mem);
    lines.push(
      `${GROUPS} groups × ${PARTITIONS} partitions (${rows.toLocaleString("en-US")} rows per tick incl. totals), every partition lagging; ${ticks} ticks.`,
      "",
      "| sampler tick | median | p95 | max |",
      "| --- | --- | --- | --- |",
      `| real broker, first tick (${lookups.toLocaleString("en-US")} record-timestamp lookups) | ${ms(first)} | — | — |`,
      `| real broker, later ticks (timestamps cached) | ${ms(r.median)} | ${ms(r.p95)} | ${ms(r.max)} |`,
      `| in-memory Kafka (database + evaluation only) | ${ms(m.median)} | ${ms(m.p95)} | ${ms(m.max)} |`,
    );
  } finally {
    await broker.stop();
  }
  return lines;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-bench-lag-"));
  try {
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    const out = [
      `## Lag sampling and history (${new Date().toISOString().slice(0, 10)})`,
      "",
      `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, SQLite (better-sqlite3) in WAL mode, load average ${os.loadavg()[0].toFixed(1)} at the start. \`npx tsx scripts/bench/lag.ts${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(" ")}` : ""}\`.`,
      "",
    ];
    if (parts.has("queries")) out.push("### Job page lag queries", "", ...(await benchQueries(dir)), "");
    if (parts.has("maintenance")) out.push("### Roll-ups and pruning", "", ...(await benchMaintenance(dir)), "");
    if (parts.has("sampler")) out.push("### Sampler cost per tick", "", ...(await benchSampler(dir)), "");
    if (parts.has("ui")) out.push("### Job page in the browser", "", ...(await benchLagUi({ quick })), "");
    console.log(out.join("\n"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
