/**
 * Lag benchmarks (issue 5). Runnable alone: `npx tsx scripts/bench/lag.ts [--quick]`.
 *
 * 1. Job page lag queries on 7 days × 64 partitions of samples (scripts/db/seed-lag.ts): the total series
 *    for each range of the picker, the per-partition series, and the status read.
 * 2. Sampler cost per tick for 100 consumer groups × 64 partitions, on a real local broker (a topic of 64
 *    partitions, 100 groups with committed offsets, every partition lagging so each tick also looks up
 *    record timestamps), and the same with an in-memory Kafka to separate database cost from Kafka's.
 *
 * Prints a Markdown section for BENCHMARKS.md.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Kafka } from "kafkajs";
import { seedLag } from "../db/seed-lag";
import { startBroker } from "../kafka/broker";
import { quietKafka } from "../kafka/tools";
import { positionKey, type ConsumerGroupInfo, type LagSource } from "../../lib/domain/lag-source";
import type { Clock } from "../../lib/domain/ports";
import { createPrismaClient } from "../../lib/server/db/client";
import { applyMigrations } from "../../lib/server/db/migrate";
import { KafkaLagSource } from "../../lib/server/lag/kafka-lag-source";
import { LagSampler } from "../../lib/server/lag/lag-sampler";
import { jobLagSeries, jobLagStatus } from "../../lib/server/lag/lag-service";
import { findJob } from "../../lib/server/stores/job-store";
import { createCluster } from "../../lib/server/kafka/kafkajs-internals";

const quick = process.argv.includes("--quick");
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
    `Seeded ${seeded.rows.toLocaleString("en-US")} rows (7 days × ${PARTITIONS} partitions + the total, after roll-ups) in ${(seedMs / 1000).toFixed(1)} s; database ${(fs.statSync(path.join(dir, "query.db")).size / 2 ** 20).toFixed(0)} MiB.`,
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
    ["per partition (64 series), 1h", 3_600_000, "all", 120],
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
    const queries = await benchQueries(dir);
    const sampler = await benchSampler(dir);
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    console.log(
      [
        `## Lag sampling and history (${new Date().toISOString().slice(0, 10)})`,
        "",
        `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, SQLite (better-sqlite3) in WAL mode. \`npx tsx scripts/bench/lag.ts\`.`,
        "",
        "### Job page lag queries",
        "",
        ...queries,
        "",
        "### Sampler cost per tick",
        "",
        ...sampler,
        "",
      ].join("\n"),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
