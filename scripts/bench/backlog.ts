/**
 * npm run bench:backlog — a count-by-key job with default settings (no record cap, no byte budget
 * configured) from earliest over a ~2 GB backlog: peak RSS (target < 400 MB) and throughput.
 *
 * The backlog is written by kcat from a generated file (1 KB records, 1,000 keys). The job runs in the
 * server (`next start`, runtime in its worker thread, as `npm start` runs it) when a production build
 * exists (`NEXT_DIST_DIR` or .next), else in the runtime process alone (runtime-process.ts). RSS is
 * sampled every 200 ms (the whole process tree), with a progress line while the job catches up.
 *
 * Settings: KAFKA_BROKERS (else a broker of its own), BENCH_BACKLOG_MB (default 2048),
 * BENCH_BACKLOG_RECORD_BYTES (1024), BENCH_BACKLOG_PARTITIONS (4), BENCH_BACKLOG_RUNTIME=process (the
 * runtime process even when a build exists), BENCH_BACKLOG_TIMEOUT_S (1800).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { findFreePort } from "../kafka/broker";
import { createTopic, quietKafka, uniqueTopicName } from "../kafka/tools";
import { createJobSchema } from "../../lib/contracts/jobs";
import { applyMigrations } from "../../lib/server/db/migrate";
import { createPrismaClient } from "../../lib/server/db/client";
import { MEMORY_ENV, withMemoryNodeOptions } from "../../lib/server/memory-flags";
import { insertJob, setDesiredState } from "../../lib/server/stores/job-store";
import type { Db } from "../../lib/server/stores/tx";
import { children, describeParts, fmt, loadAverage, machine, mb, peakRssKb, root, rssKb, runBench, sleep, startRuntimeProcess, treeRssKb } from "./bench-kit";

const BACKLOG_MB = Number(process.env.BENCH_BACKLOG_MB ?? 2048);
const RECORD_BYTES = Number(process.env.BENCH_BACKLOG_RECORD_BYTES ?? 1024);
const PARTITIONS = Number(process.env.BENCH_BACKLOG_PARTITIONS ?? 4);
const TIMEOUT_MS = Number(process.env.BENCH_BACKLOG_TIMEOUT_S ?? 1800) * 1000;
const RECORDS = Math.floor((BACKLOG_MB * 2 ** 20) / RECORD_BYTES);
const KEYS = 1_000;
const RSS_TARGET_MB = 400;

runBench(async (brokers, tmp) => {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const inServer = process.env.BENCH_BACKLOG_RUNTIME !== "process" && fs.existsSync(path.join(root, distDir, "BUILD_ID"));
  const free = fs.statfsSync(tmp);
  const needed = RECORDS * RECORD_BYTES * (process.env.KAFKA_BROKERS ? 1.1 : 2.2);
  if (free.bavail * free.bsize < needed) throw new Error(`${tmp}: ${mb((free.bavail * free.bsize) / 1024)} free, the backlog needs about ${mb(needed / 1024)}`);

  const topic = uniqueTopicName("bench-backlog");
  await createTopic(brokers, topic, PARTITIONS);
  try {
    const file = path.join(tmp, "backlog.txt");
    let started = Date.now();
    const bytes = await writeBacklogFile(file);
    console.log(`generated ${fmt(RECORDS)} records (${mb(bytes / 1024)}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
    await kcatProduce(brokers, topic, file);
    fs.rmSync(file);
    const produceSeconds = (Date.now() - started) / 1000;
    console.log(`produced them to ${topic} (${PARTITIONS} partitions) with kcat in ${produceSeconds.toFixed(1)} s (${(bytes / 2 ** 20 / produceSeconds).toFixed(0)} MB/s)`);

    const dbFile = path.join(tmp, "db", "tidemark.db");
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    const url = `file:${dbFile}`;
    applyMigrations(url);
    const db = createPrismaClient(url);
    const where = inServer ? `the server (next start, ${distDir})` : "the runtime process (no production build, or BENCH_BACKLOG_RUNTIME=process)";
    console.log(`count-by-key from earliest, no cap or byte budget configured, in ${where}; load average ${loadAverage()}`);
    const { pid, jobId, stop, tree } = inServer ? await startInServer(url, brokers, topic) : await startInRuntimeProcess(db, url, brokers, topic);

    let peak = 0;
    let peakParts = new Map<string, number>();
    let done = 0;
    let lastPrint = 0;
    const runStarted = Date.now();
    for (;;) {
      const parts = new Map<string, number>();
      const rss = tree ? treeRssKb(pid, parts) : rssKb(pid);
      if (rss > peak) [peak, peakParts] = [rss, parts];
      if (Date.now() - lastPrint >= 2_000 || done >= RECORDS) {
        const rows = await db.jobOffset.findMany({ where: { jobId } });
        done = rows.reduce((sum, r) => sum + Number(r.offset), 0);
        const seconds = (Date.now() - runStarted) / 1000;
        process.stdout.write(`${process.stdout.isTTY ? "\r" : ""}${fmt(done)} of ${fmt(RECORDS)} records (${((100 * done) / RECORDS).toFixed(0)}%), ${fmt(done / seconds)} rec/s, RSS ${mb(rss)}, peak ${mb(peak)}, load ${loadAverage()}${process.stdout.isTTY ? "   " : "\n"}`);
        lastPrint = Date.now();
        if (done >= RECORDS && rows.length === PARTITIONS) break;
      }
      if (Date.now() - runStarted > TIMEOUT_MS) throw new Error(`\nthe job did not catch up in ${TIMEOUT_MS / 1000} s`);
      await sleep(200);
    }
    const highWater = peakRssKb(pid);
    await stop();
    const batches = await db.batch.findMany({ where: { jobId, status: "succeeded" }, orderBy: { id: "asc" } });
    const first = batches[0].createdAt.getTime();
    const last = Math.max(...batches.map((b) => b.completedAt?.getTime() ?? 0));
    const seconds = (last - first) / 1000;
    const counted = await db.keyCount.aggregate({ where: { jobId }, _sum: { count: true } });
    if (Number(counted._sum.count) !== RECORDS) throw new Error(`counts add up to ${counted._sum.count}, expected ${RECORDS}`);
    await db.$disconnect();

    console.log("\n\n## Backlog (markdown)\n");
    console.log(`${machine()}, load average at the end ${loadAverage()}; ${fmt(RECORDS)} records × ${fmt(RECORD_BYTES)} B (${mb(bytes / 1024)}), ${PARTITIONS} partitions; count-by-key with default batch limits in ${where}\n`);
    console.log("| seconds | records/s | MB/s | batches | largest batch | peak RSS (200 ms samples) | VmHWM |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    const largest = batches.reduce((max, b) => (b.bytes > max.bytes ? b : max), batches[0]);
    console.log(
      `| ${seconds.toFixed(1)} | ${fmt(RECORDS / seconds)} | ${(bytes / 2 ** 20 / seconds).toFixed(1)} | ${batches.length} | ${fmt(largest.records)} records, ${mb(largest.bytes / 1024)} | ${mb(peak)} | ${mb(highWater)} |`,
    );
    console.log(`\npeak RSS ${mb(peak)}${peakParts.size > 1 ? ` (${describeParts(peakParts)})` : ""}, target < ${RSS_TARGET_MB} MB: ${peak / 1024 < RSS_TARGET_MB ? "met" : "MISSED"}`);
  } finally {
    if (process.env.KAFKA_BROKERS) await deleteTopic(brokers, topic); // a shared broker's disk
  }
});

/** `key:value` lines of RECORD_BYTES each (key and value), values of random hex (little to compress). */
async function writeBacklogFile(file: string): Promise<number> {
  const out = fs.createWriteStream(file);
  const tails = Array.from({ length: 997 }, () => randomBytes(RECORD_BYTES).toString("hex"));
  let bytes = 0;
  let chunk = "";
  for (let i = 0; i < RECORDS; i++) {
    const key = `key-${String((i * 7919) % KEYS).padStart(4, "0")}`;
    const head = `{"seq":${i},"pad":"`;
    const value = `${head}${tails[i % tails.length].slice(0, Math.max(0, RECORD_BYTES - key.length - head.length - 2))}"}`;
    bytes += key.length + value.length;
    chunk += `${key}:${value}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = "";
    }
  }
  await new Promise<void>((resolve, reject) => {
    out.once("error", reject);
    out.end(chunk, () => resolve());
  });
  return bytes;
}

function kcatProduce(brokers: string[], topic: string, file: string): Promise<void> {
  const args = ["-P", "-b", brokers.join(","), "-t", topic, "-K", ":", "-l", "-X", "linger.ms=50", "-X", "batch.num.messages=10000", "-X", "queue.buffering.max.kbytes=1048576", file];
  const child = spawn("kcat", args, { stdio: ["ignore", "ignore", "inherit"] });
  return new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`kcat ${args.join(" ")} exited ${code}`)))));
}

interface Running {
  pid: number;
  /** Count the process's children too (next start may fork); the runtime process's only child is tsx's esbuild. */
  tree: boolean;
  jobId: string;
  stop(): Promise<void>;
}

async function startInRuntimeProcess(db: Db, url: string, brokers: string[], topic: string): Promise<Running> {
  // The API's defaults, as a job created without settings gets them.
  const job = await insertJob(db, createJobSchema.parse({ name: "backlog", topics: [topic], processor: "count-by-key" }));
  await setDesiredState(db, job.id, "running");
  const timing = { readMs: 0, commitMs: 0 };
  const child = startRuntimeProcess(url, brokers, timing);
  const stop = async () => {
    await stopChild(child);
    console.log(`\nΣ read ${(timing.readMs / 1000).toFixed(1)} s, Σ commit ${(timing.commitMs / 1000).toFixed(1)} s (TIDEMARK_DEBUG_TIMING)`);
  };
  return { pid: child.pid!, tree: false, jobId: job.id, stop };
}

/** The server as `npm start` runs it, the job created and started through its API. */
async function startInServer(url: string, brokers: string[], topic: string): Promise<Running> {
  const port = await findFreePort();
  const server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env: { ...MEMORY_ENV, ...process.env, NODE_OPTIONS: withMemoryNodeOptions(process.env.NODE_OPTIONS), NODE_ENV: "production", NEXT_MANUAL_SIG_HANDLE: "true", KAFKA_BROKERS: brokers.join(","), DATABASE_URL: url, TIDEMARK_DEMO: "0", TIDEMARK_RECONCILE_INTERVAL_MS: "200" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(server);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; !(await fetch(`${base}/api/health`).catch(() => null))?.ok; i++) {
    if (i > 300) throw new Error("next start did not answer");
    await sleep(200);
  }
  const post = (p: string, body?: unknown) => fetch(`${base}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const created = await post("/api/jobs", { name: "backlog", topics: [topic], processor: "count-by-key", startingOffsets: "earliest" });
  if (created.status !== 201) throw new Error(`create job: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const startedJob = await post("/api/jobs/backlog/start");
  if (!startedJob.ok) throw new Error(`start job: ${startedJob.status} ${await startedJob.text()}`);
  return { pid: server.pid!, tree: true, jobId: id, stop: () => stopChild(server) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function deleteTopic(brokers: string[], topic: string): Promise<void> {
  const admin = quietKafka(brokers).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch((error: unknown) => console.error(`could not delete ${topic}: ${String(error)}`));
  await admin.disconnect();
}
