/**
 * npm run bench — Tidemark's throughput against a plain kafkajs consumer and kcat, on a local broker.
 *
 *  1. produce BENCH_RECORDS (default 1,000,000) records of about 100 bytes, 1,000 keys, 8 partitions (kcat)
 *  2. (a) kafkajs consumer, eachBatch, no processing   (b) kcat -C -e -o beginning -q
 *     (r) Tidemark's range reader alone (KafkajsLog.readRanges, no processing, no SQLite)
 *     (c) a Tidemark count-by-key job, offset 0 to lag 0   (d) the same with store-records
 *     (c) and (d) run in the runtime process (runtime-process.ts, as the tests kill it), peak RSS from /proc.
 *     (j) Kafka's Java consumer (ConsumerPerformance from kafka-tools), when Maven can fetch it.
 *     (c-pg), (d-pg) the same two jobs on PostgreSQL (a throwaway cluster, default durability), when
 *     its server binaries are installed (BENCH_POSTGRES=0 leaves them out).
 *  3. with a production build (.next): `next start`, API p95 while 4 jobs consume flat out, then peak RSS
 *     of the server with 10 running jobs.
 *
 * Settings: KAFKA_BROKERS (else a broker on free ports), BENCH_RECORDS, BENCH_CAP (records per partition
 * per batch for Tidemark jobs, default 25,000), BENCH_REPEAT (rounds of (a)–(d), default 3; medians are
 * reported), BENCH_SKIP_API=1, BENCH_ONLY_API=1, BENCH_JAVA=0 (no Java consumer), BENCH_READ_AHEAD_AB=1 ((d-pg) once more per round with
 * TIDEMARK_READ_AHEAD=0, to compare in the same rounds).
 *
 * One script over 300 lines on purpose: its steps share the broker, the data and the peers they compare.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { findFreePort } from "../kafka/broker";
import { ensureKafkaToolsInstalled } from "../kafka/kafka-cli-tools";
import { createTopic, uniqueTopicName } from "../kafka/tools";
import { applyMigrations } from "../../lib/server/db/migrate";
import { migrateDatabase } from "../../lib/server/db/migrate-database";
import { createPrismaClient } from "../../lib/server/db/client";
import { startPostgres, type PostgresCluster } from "../db/postgres-cluster";
import { createKafka } from "../../lib/server/kafka/kafka-client";
import { KafkajsLog } from "../../lib/server/kafka/kafka-log";
import { MEMORY_ENV, withMemoryNodeOptions } from "../../lib/server/memory-flags";
import { insertJob, setDesiredState } from "../../lib/server/stores/job-store";
import type { Db } from "../../lib/server/stores/tx";
import { children, cpuSeconds, describeParts, fmt, loadAverage, mappingsOfTree, mb, peakRssKb, postgresCpuSeconds, root, runBench, sleep, startRuntimeProcess, treeRssKb } from "./bench-kit";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const PARTITIONS = 8;
const KEYS = 1_000;
const CAP = Number(process.env.BENCH_CAP ?? 25_000);
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
let tmp = "";
let postgres: PostgresCluster | null = null;
let postgresDatabases = 0;

interface Result {
  name: string;
  seconds: number;
  recordsPerSec: number;
  peakRssKb?: number;
  note?: string;
}

async function run(brokers: string[], benchTmp: string) {
  tmp = benchTmp;
  const topic = uniqueTopicName("bench");
  await createTopic(brokers, topic, PARTITIONS);
  const produced = await produce(brokers, topic);
  console.log(`produced ${fmt(RECORDS)} records (${fmt(produced.bytes / RECORDS)} B each) in ${produced.seconds.toFixed(1)} s`);

  if (process.env.BENCH_ONLY_API === "1") {
    for (const l of await apiUnderLoad(brokers, topic)) console.log(l);
    return;
  }
  // Each measurement runs REPEAT times, interleaved, so a burst of load elsewhere on the machine hits
  // every contender alike; the median run of each is reported.
  // (j) Kafka's Java consumer, when Maven can fetch Kafka's tools (BENCH_JAVA=0 leaves it out).
  const javaClasspath =
    process.env.BENCH_JAVA === "0"
      ? null
      : await ensureKafkaToolsInstalled().catch((error: unknown) => {
          console.log(`(j) Java ConsumerPerformance left out: ${String(error).split("\n")[0]}`);
          return null;
        });
  postgres =
    process.env.BENCH_POSTGRES === "0"
      ? null
      : await startPostgres().catch((error: unknown) => {
          console.log(`(c-pg)/(d-pg) PostgreSQL left out: ${String(error).split("\n")[0]}`);
          return null;
        });
  // BENCH_READ_AHEAD_AB=1: (d-pg) once more per round without reading ahead, to compare in the same rounds.
  const readAheadAb = postgres !== null && process.env.BENCH_READ_AHEAD_AB === "1";
  const runs: Result[][] = [[], [], [], [], [], [], [], [], []];
  for (let round = 1; round <= REPEAT; round++) {
    if (REPEAT > 1) console.log(`round ${round} of ${REPEAT}`);
    const measured = [
      await kafkajsConsumer(brokers, topic),
      kcatConsumer(brokers, topic),
      await rangeReader(brokers, topic),
      await tidemarkJob(brokers, topic, "count-by-key", {}),
      await tidemarkJob(brokers, topic, "store-records", {}),
      javaClasspath ? javaConsumer(brokers, topic, javaClasspath) : null,
      postgres ? await tidemarkJob(brokers, topic, "count-by-key", {}, "postgresql") : null,
      postgres ? await tidemarkJob(brokers, topic, "store-records", {}, "postgresql") : null,
      readAheadAb ? await tidemarkJob(brokers, topic, "store-records", {}, "postgresql", { tag: "0", label: "no read-ahead", env: { TIDEMARK_READ_AHEAD: "0" } }) : null,
    ];
    measured.forEach((r, i) => {
      if (!r) return;
      runs[i].push(r);
      console.log(line(r));
    });
  }
  const results = runs.map((r) => (r.length > 0 ? median(r) : null));
  if (REPEAT > 1) {
    console.log(`\nmedians of ${REPEAT} rounds:`);
    for (const r of results) if (r) console.log(line(r));
  }

  const a = results[0]!.recordsPerSec;
  const b = results[1]!.recordsPerSec;
  const c = results[3]!.recordsPerSec;
  const d = results[4]!.recordsPerSec;
  const j = results[5]?.recordsPerSec;
  const cpg = results[6]?.recordsPerSec;
  const dpg = results[7]?.recordsPerSec;
  const ratios =
    `c/a = ${(c / a).toFixed(2)} (target ≥ 0.9), d/a = ${(d / a).toFixed(2)} (target ≥ 0.6); against kcat: c/b = ${(c / b).toFixed(2)}, d/b = ${(d / b).toFixed(2)}` +
    (j ? `; against Java: c/j = ${(c / j).toFixed(2)}, d/j = ${(d / j).toFixed(2)}` : "") +
    (cpg && dpg ? `; PostgreSQL: c-pg/a = ${(cpg / a).toFixed(2)} (target ≥ 0.9), d-pg/a = ${(dpg / a).toFixed(2)} (target ≥ 0.5)` : "");
  const dpg0 = results[8]?.recordsPerSec;
  console.log(`\n${ratios}${dpg && dpg0 ? `; read-ahead on PostgreSQL: d-pg/d-pg0 = ${(dpg / dpg0).toFixed(2)}, d-pg0/a = ${(dpg0 / a).toFixed(2)}` : ""}`);
  const perRound = runs[0].map((ra, i) => `${(runs[3][i].recordsPerSec / ra.recordsPerSec).toFixed(2)}/${(runs[4][i].recordsPerSec / ra.recordsPerSec).toFixed(2)}`);
  if (REPEAT > 1) console.log(`c/a / d/a per round: ${perRound.join(", ")}`);
  console.log(`load average: ${loadAverage()}`);

  let api: string[] = [];
  if (process.env.BENCH_SKIP_API !== "1") api = await apiUnderLoad(brokers, topic);

  console.log("\n## Results (markdown)\n");
  console.log(`${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${fmt(RECORDS)} records × ~${fmt(produced.bytes / RECORDS)} B, ${PARTITIONS} partitions, Tidemark cap ${fmt(CAP)} records/partition/batch\n`);
  console.log("| run | seconds | records/s | peak RSS | note |\n| --- | ---: | ---: | ---: | --- |");
  for (const r of results) if (r) console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${fmt(r.recordsPerSec)} | ${r.peakRssKb ? mb(r.peakRssKb) : "—"} | ${r.note ?? ""} |`);
  console.log(`\n${ratios}; load average at the end ${loadAverage()}`);
  for (const l of api) console.log(l);
}

/** The run with the median time (peak RSS: the highest of all runs). */
function median(list: Result[]): Result {
  const sorted = [...list].sort((x, y) => x.seconds - y.seconds);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)];
  const peak = Math.max(0, ...list.map((r) => r.peakRssKb ?? 0));
  return { ...mid, peakRssKb: peak || undefined };
}

function line(r: Result): string {
  return `${r.name.padEnd(44)} ${r.seconds.toFixed(2).padStart(7)} s  ${fmt(r.recordsPerSec).padStart(9)} rec/s${r.peakRssKb ? `  peak RSS ${mb(r.peakRssKb)}` : ""}${r.note ? `  (${r.note})` : ""}`;
}

/** ~100-byte records, 1,000 keys, through kcat (librdkafka's default partitioner spreads the keys). */
async function produce(brokers: string[], topic: string): Promise<{ seconds: number; bytes: number }> {
  const started = Date.now();
  const child = spawn("kcat", ["-P", "-b", brokers.join(","), "-t", topic, "-K", ":", "-X", "linger.ms=20", "-X", "batch.num.messages=10000"], {
    stdio: ["pipe", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  let bytes = 0;
  const pad = "x".repeat(40);
  const CHUNK = 20_000;
  for (let i = 0; i < RECORDS; i += CHUNK) {
    let text = "";
    for (let j = i; j < Math.min(RECORDS, i + CHUNK); j++) {
      const key = `key-${String((j * 7919) % KEYS).padStart(4, "0")}`;
      const value = `{"seq":${String(j).padStart(8, "0")},"amount":${j % 1000},"region":"eu-west","note":"${pad}"}`;
      bytes += key.length + value.length;
      text += `${key}:${value}\n`;
    }
    if (!child.stdin.write(text)) await new Promise((r) => child.stdin.once("drain", r));
  }
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`kcat producer exited ${code}`);
  return { seconds: (Date.now() - started) / 1000, bytes };
}

/** (a) A plain kafkajs consumer, eachBatch, no processing. Timed from its first batch (group join excluded). */
async function kafkajsConsumer(brokers: string[], topic: string): Promise<Result> {
  const kafka = new Kafka({ clientId: "bench-plain", brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueTopicName("bench-plain"), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const joinedAt = Date.now();
  let first = 0;
  let count = 0;
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        first ||= Date.now();
        count += batch.messages.length;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (count >= RECORDS) resolve();
      },
    });
  });
  await done;
  const seconds = (Date.now() - first) / 1000;
  await consumer.disconnect();
  return {
    name: "(a) kafkajs consumer, eachBatch",
    seconds,
    recordsPerSec: RECORDS / seconds,
    note: `join + first fetch ${((first - joinedAt) / 1000).toFixed(1)} s not counted; in-process RSS growth ${mb((peakRss - rss0) / 1024)}`,
  };
}

/** (b) kcat -C -e -o beginning -q, the whole process timed. */
function kcatConsumer(brokers: string[], topic: string): Result {
  const started = Date.now();
  const out = spawnSync("bash", ["-c", `kcat -C -b ${brokers.join(",")} -t ${topic} -e -o beginning -q | wc -l`], { encoding: "utf8" });
  const seconds = (Date.now() - started) / 1000;
  const lines = Number(out.stdout.trim());
  if (lines !== RECORDS) throw new Error(`kcat read ${lines} records, expected ${RECORDS}: ${out.stderr}`);
  return { name: "(b) kcat -C -e -o beginning -q", seconds, recordsPerSec: RECORDS / seconds, note: "whole process, incl. connect" };
}

/**
 * (j) Kafka's Java consumer: `org.apache.kafka.tools.ConsumerPerformance` (kafka-tools, the broker's
 * version), with the JVM's default JIT. Its own fetch time, group join excluded, as for (a).
 */
function javaConsumer(brokers: string[], topic: string, classpath: string): Result {
  const started = Date.now();
  const args = ["-Xmx512m", "-cp", classpath, "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", brokers.join(","), "--topic", topic, "--messages", String(RECORDS), "--timeout", "120000", "--hide-header"];
  const out = spawnSync("java", args, { encoding: "utf8" });
  const wall = (Date.now() - started) / 1000;
  // start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const row = out.stdout.trim().split("\n").at(-1)?.split(",").map((f) => f.trim()) ?? [];
  const [messages, fetchMs] = [Number(row[4]), Number(row[7])];
  if (out.status !== 0 || messages !== RECORDS) throw new Error(`ConsumerPerformance read ${messages} records, expected ${RECORDS}: ${out.stderr.slice(-1000)}`);
  const seconds = fetchMs / 1000;
  return { name: "(j) Java ConsumerPerformance", seconds, recordsPerSec: RECORDS / seconds, note: `fetch time; group join ${(Number(row[6]) / 1000).toFixed(1)} s not counted; whole JVM ${wall.toFixed(1)} s` };
}

/** (r) Tidemark's range reader alone: where the time goes before any SQLite write. */
async function rangeReader(brokers: string[], topic: string): Promise<Result> {
  const log = new KafkajsLog(createKafka(brokers, "bench-reader"));
  const ends = await log.logOffsets([topic]);
  const started = Date.now();
  let count = 0;
  const next = new Map(ends.map((e) => [e.partition, e.logStartOffset]));
  while (count < RECORDS) {
    const ranges = ends.map((e) => {
      const from = next.get(e.partition) ?? 0;
      const until = Math.min(e.logEndOffset, from + CAP);
      next.set(e.partition, until);
      return { topic, partition: e.partition, fromOffset: from, untilOffset: until };
    });
    await log.readRanges(ranges, (records) => void (count += records.length));
  }
  const seconds = (Date.now() - started) / 1000;
  await log.close();
  return { name: "(r) Tidemark range reader only (no processing)", seconds, recordsPerSec: RECORDS / seconds, note: `batches of ${fmt(CAP)}/partition` };
}

async function lagZero(db: Db, jobId: string, total: number): Promise<void> {
  for (;;) {
    const rows = await db.jobOffset.findMany({ where: { jobId } });
    if (rows.reduce((s, r) => s + Number(r.offset), 0) >= total && rows.length === PARTITIONS) return;
    await sleep(100);
  }
}

/** (c)/(d) A Tidemark job from offset 0 to lag 0 in the runtime process. Timed from its first batch's plan to its last commit. */
async function tidemarkJob(
  brokers: string[],
  topic: string,
  processor: string,
  processorConfig: Record<string, unknown>,
  database: "sqlite" | "postgresql" = "sqlite",
  variant?: { tag: string; label: string; env: Record<string, string> },
): Promise<Result> {
  let url: string;
  if (database === "postgresql") {
    const name = `bench_${++postgresDatabases}`;
    const admin = createPrismaClient(postgres!.url());
    await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
    await admin.$disconnect();
    url = postgres!.url(name);
    await migrateDatabase(url);
  } else {
    url = `file:${path.join(fs.mkdtempSync(path.join(tmp, "db-")), "tidemark.db")}`;
    applyMigrations(url);
  }
  const db = createPrismaClient(url);
  const job = await insertJob(db, {
    name: `bench-${processor}`,
    topics: [topic],
    processor,
    processorConfig,
    batchIntervalMs: 100,
    maxRecordsPerPartition: CAP,
    startingOffsets: "earliest",
    mirrorOffsetsToKafka: true,
  });
  await setDesiredState(db, job.id, "running");
  const spawned = Date.now();
  const timing = { readMs: 0, commitMs: 0 };
  const postgresCpuBefore = database === "postgresql" ? postgresCpuSeconds() : 0;
  const child = startRuntimeProcess(url, brokers, timing, variant?.env);
  await lagZero(db, job.id, RECORDS);
  const wall = (Date.now() - spawned) / 1000;
  const peak = peakRssKb(child.pid!);
  const runtimeCpu = cpuSeconds(child.pid!);
  // Backends that ended meanwhile are not counted: the job's connections are still open here.
  const postgresCpu = database === "postgresql" ? postgresCpuSeconds() - postgresCpuBefore : 0;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  const batches = await db.batch.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
  const first = batches[0].createdAt.getTime();
  const last = Math.max(...batches.map((b) => b.completedAt?.getTime() ?? 0));
  const processing = batches.reduce((s, b) => s + (b.processingTimeMs ?? 0), 0);
  const seconds = (last - first) / 1000;
  const records = batches.reduce((s, b) => s + b.records, 0);
  if (records !== RECORDS) throw new Error(`${processor}: batches hold ${records} records, expected ${RECORDS}`);
  await db.$disconnect();
  return {
    name: `(${processor === "count-by-key" ? "c" : "d"}${database === "postgresql" ? "-pg" : ""}${variant?.tag ?? ""}) Tidemark ${processor}${database === "postgresql" ? " on PostgreSQL" : ""}${variant ? `, ${variant.label}` : ""}`,
    seconds,
    recordsPerSec: RECORDS / seconds,
    peakRssKb: peak,
    note: `${batches.length} batches; Σ read ${(timing.readMs / 1000).toFixed(1)} s, Σ commit ${(timing.commitMs / 1000).toFixed(1)} s (of Σ processing ${(processing / 1000).toFixed(1)} s); process start to lag 0: ${wall.toFixed(1)} s; CPU: runtime ${runtimeCpu.toFixed(1)} s${database === "postgresql" ? `, PostgreSQL ${postgresCpu.toFixed(1)} s` : ""}`,
  };
}

/** API latency while 4 jobs consume flat out, then the server's peak RSS with 10 running jobs. */
async function apiUnderLoad(brokers: string[], topic: string): Promise<string[]> {
  if (!fs.existsSync(path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID"))) return ["\nAPI under load: skipped (no production build; run `npx next build` first)"];
  const port = await findFreePort();
  const dbFile = path.join(tmp, "api", "tidemark.db");
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    // As `npm start` runs it (scripts/start.ts).
    env: { ...MEMORY_ENV, ...process.env, NODE_OPTIONS: withMemoryNodeOptions(process.env.NODE_OPTIONS), NODE_ENV: "production", NEXT_MANUAL_SIG_HANDLE: "true", KAFKA_BROKERS: brokers.join(","), DATABASE_URL: `file:${dbFile}`, TIDEMARK_DEMO: "0", TIDEMARK_RECONCILE_INTERVAL_MS: "200" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(server);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/api/health`).catch(() => null))?.ok) break;
    if (i > 300) throw new Error("next start did not answer");
    await sleep(200);
  }
  let peak = 0;
  let peakParts = new Map<string, number>();
  const sample = () => {
    const parts = new Map<string, number>();
    const kb = treeRssKb(server.pid!, parts);
    if (kb > peak) {
      [peak, peakParts] = [kb, parts];
      if (process.env.BENCH_SMAPS === "1") peakMaps = mappingsOfTree(server.pid!);
    }
  };
  let peakMaps = "";
  const sampler = setInterval(sample, 200);
  const post = (p: string, body?: unknown) =>
    fetch(`${base}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const createAndStart = async (name: string) => {
    const res = await post("/api/jobs", { name, topics: [topic], processor: "count-by-key", batchIntervalMs: 100, maxRecordsPerPartition: CAP });
    if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
    await post(`/api/jobs/${name}/start`);
  };
  for (let i = 1; i <= 4; i++) await createAndStart(`load-${i}`);
  const latencies: number[] = [];
  const paths = ["/api/jobs", "/api/jobs/load-1", "/api/jobs/load-1/batches?limit=20", "/api/jobs/load-2/partitions", "/api/jobs/load-3/results?limit=20"];
  const started = Date.now();
  let lagLeft = Infinity;
  let failed = 0;
  while (lagLeft > 0 && Date.now() - started < 120_000) {
    for (const p of paths) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${base}${p}`);
        const body = (await res.json()) as { items?: { totalLag: number | null }[] };
        latencies.push(performance.now() - t0);
        if (p === "/api/jobs") lagLeft = (body.items ?? []).reduce((s, j) => s + (j.totalLag ?? 1), 0);
      } catch {
        failed += 1; // counted, not timed
      }
    }
    await sleep(50);
  }
  const consumeSeconds = (Date.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))];
  const out = [
    `\nAPI while 4 count-by-key jobs consume ${fmt(RECORDS)} records each (${consumeSeconds.toFixed(1)} s${lagLeft > 0 ? ", cut at 120 s before lag 0" : " until all reached lag 0"}): ${latencies.length} requests (${failed} failed), p50 ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms (target p95 < 100 ms)`,
    `server peak RSS with 4 jobs: ${mb(peak)} (${describeParts(peakParts)})`,
  ];
  console.log(out.join("\n"));
  for (let i = 5; i <= 10; i++) await createAndStart(`load-${i}`);
  const tenStarted = Date.now();
  while (Date.now() - tenStarted < 60_000) {
    const body = await fetch(`${base}/api/jobs`)
      .then((res) => res.json() as Promise<{ items: { totalLag: number | null; status: string }[] }>)
      .catch(() => ({ items: [{ totalLag: null, status: "unknown" }] }));
    if (body.items.every((j) => j.totalLag === 0 && j.status === "running")) break;
    await sleep(500);
  }
  clearInterval(sampler);
  sample();
  out.push(`server peak RSS with 10 running jobs (6 of them catching up on ${fmt(RECORDS)} records, ${((Date.now() - tenStarted) / 1000).toFixed(0)} s): ${mb(peak)} (${describeParts(peakParts)}; target < 400 MB)`);
  // Then ten jobs that keep running at lag 0 while a client polls the API, for 20 s.
  [peak, peakParts] = [0, new Map()];
  const steadyStarted = Date.now();
  while (Date.now() - steadyStarted < 20_000) {
    for (const p of paths) await fetch(`${base}${p}`).then((r) => r.arrayBuffer()).catch(() => null);
    sample();
    await sleep(200);
  }
  out.push(`server peak RSS with 10 running jobs at lag 0, API polled for 20 s: ${mb(peak)} (${describeParts(peakParts)})`);
  if (peakMaps) out.push(`mappings at the last peak (BENCH_SMAPS=1):\n${peakMaps}`);
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  return out;
}

runBench(run);
