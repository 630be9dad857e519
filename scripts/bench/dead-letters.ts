/**
 * npm run bench:dead-letters — onError "skip" over records of which 10% are poison, against the same
 * records all clean: the time ratio (target < 2).
 *
 * Two topics with the same keys and amounts; in the poisoned one every 10th value is not JSON. Jobs
 * from earliest with default batch limits, one at a time, each in a runtime process of its own
 * (dead-letters-runtime.ts; killed after its job): the README's `example.sum-field` (aggregates in
 * `process`, hands bad records to `batch.skip`), the same throwing them instead (the runtime's
 * fallback: a re-run per bad record, as all processors did before), and `forward` with a filter
 * (decides records in `deliver`, then writes them to a topic). Timed from the first
 * batch's plan to the last batch's commit; clean and poisoned runs alternate, the median round is
 * reported. Each poisoned run is checked: every poison record dead-lettered once, exact sums.
 *
 * Settings: KAFKA_BROKERS (else a broker of its own), BENCH_DL_RECORDS (100,000), BENCH_DL_POISON_EVERY
 * (10), BENCH_REPEAT (3), BENCH_DL_TIMEOUT_S (per job, 120; a processor whose poisoned run times out
 * gets no more rounds), BENCH_DL_FORWARD=0 (sum-field only).
 */
import fs from "node:fs";
import path from "node:path";
import { createJobSchema } from "../../lib/contracts/jobs";
import { applyMigrations } from "../../lib/server/db/migrate";
import { createPrismaClient } from "../../lib/server/db/client";
import type { Db } from "../../lib/server/stores/tx";
import { insertJob, setDesiredState } from "../../lib/server/stores/job-store";
import { createTopic, produceWithKcat, quietKafka, uniqueTopicName } from "../kafka/tools";
import { fmt, loadAverage, machine, root, runBench, sleep, startRuntimeProcess } from "./bench-kit";

const RECORDS = Number(process.env.BENCH_DL_RECORDS ?? 100_000);
const POISON_EVERY = Number(process.env.BENCH_DL_POISON_EVERY ?? 10);
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
const TIMEOUT_MS = Number(process.env.BENCH_DL_TIMEOUT_S ?? 120) * 1000;
const PARTITIONS = 4;
const KEYS = 100;

interface Run {
  seconds: number;
  /** False when the job had not caught up when the timeout came: `seconds` is then a lower bound. */
  finished: boolean;
  batches: number;
  /** Attempts of all its batches, and an error one of them recorded (a retry costs a backoff). */
  attempts: number;
  error?: string;
  /** Summed per-batch read and commit (deliver + transaction) times, from TIDEMARK_DEBUG_TIMING. */
  readMs: number;
  commitMs: number;
}

runBench(async (brokers, tmp) => {
  const clean = uniqueTopicName("bench-dl-clean");
  const poisoned = uniqueTopicName("bench-dl-poison");
  const poisonCount = Math.floor((RECORDS - 1) / POISON_EVERY) + 1;
  const expectedSums = new Map<string, number>();
  const cleanLines: string[] = [];
  const poisonedLines: string[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const key = `key-${String(i % KEYS).padStart(3, "0")}`;
    const line = `${key}:{"amount":${i % 1000},"type":"order","note":"${"x".repeat(60)}"}`;
    cleanLines.push(line);
    if (i % POISON_EVERY === 0) poisonedLines.push(`${key}:not json ${"x".repeat(70)}`);
    else {
      poisonedLines.push(line);
      expectedSums.set(key, (expectedSums.get(key) ?? 0) + (i % 1000));
    }
  }
  const targets: string[] = [];
  for (const topic of [clean, poisoned]) await createTopic(brokers, topic, PARTITIONS);
  await produceWithKcat(brokers, clean, cleanLines);
  await produceWithKcat(brokers, poisoned, poisonedLines);
  console.log(`produced ${fmt(RECORDS)} records to each of ${clean} and ${poisoned} (${fmt(poisonCount)} poison); load average ${loadAverage()}`);

  const url = `file:${path.join(tmp, "tidemark.db")}`;
  applyMigrations(url);
  const db = createPrismaClient(url);
  const processors: { name: string; processor: string; config: (target: string) => Record<string, unknown> }[] = [
    { name: "example.sum-field (README)", processor: "example.sum-field", config: () => ({ field: "amount" }) },
    { name: "sum-field throwing instead (re-run per bad record)", processor: "bench.sum-field-throwing", config: () => ({ field: "amount" }) },
  ];
  if (process.env.BENCH_DL_FORWARD !== "0") processors.push({ name: "forward", processor: "forward", config: (target) => ({ topic: target, filter: { field: "type", equals: "order" } }) });

  /** One job from earliest to lag 0 (or the timeout), alone in a runtime process, which is then killed. */
  async function runJob(name: string, processor: string, processorConfig: Record<string, unknown>, topic: string): Promise<Run & { jobId: string }> {
    // The API's defaults (its schema knows only the built-in processors' names).
    const defaults = createJobSchema.parse({ name, topics: [topic], processor: "count-by-key", onError: "skip", batchIntervalMs: 100 });
    const job = await insertJob(db, { ...defaults, processor, processorConfig });
    await setDesiredState(db, job.id, "running");
    const timing = { readMs: 0, commitMs: 0 };
    const runtime = startRuntimeProcess(url, brokers, timing, {}, path.join(root, "scripts/bench/dead-letters-runtime.ts"));
    const started = Date.now();
    let finished = false;
    while (Date.now() - started < TIMEOUT_MS) {
      const rows = await db.jobOffset.findMany({ where: { jobId: job.id } });
      if (rows.length === PARTITIONS && rows.reduce((sum, r) => sum + Number(r.offset), 0) >= RECORDS) {
        finished = true;
        break;
      }
      await sleep(50);
    }
    await setDesiredState(db, job.id, "stopped");
    // A finished runtime stops cleanly (its timing lines all read); one still re-running a batch
    // would hold the CPU during the next job, so it is killed.
    const exited = new Promise((resolve) => runtime.once("exit", resolve));
    runtime.kill(finished ? "SIGTERM" : "SIGKILL");
    await exited;
    const batches = await db.batch.findMany({ where: { jobId: job.id } });
    const first = Math.min(...batches.map((b) => b.createdAt.getTime()));
    const last = finished ? Math.max(...batches.map((b) => b.completedAt?.getTime() ?? 0)) : Date.now();
    const attempts = batches.reduce((sum, b) => sum + b.attempts, 0);
    const error = batches.find((b) => b.error)?.error ?? undefined;
    return { jobId: job.id, seconds: (last - first) / 1000, finished, batches: batches.length, attempts, error, ...timing };
  }

  const lines: string[] = [];
  try {
    for (const p of processors) {
      const runs: { clean: Run; poisoned: Run }[] = [];
      for (let round = 1; round <= REPEAT; round++) {
        const [cleanTarget, poisonTarget] = [uniqueTopicName("bench-dl-out"), uniqueTopicName("bench-dl-out")];
        if (p.processor === "forward") {
          for (const t of [cleanTarget, poisonTarget]) await createTopic(brokers, t, PARTITIONS);
          targets.push(cleanTarget, poisonTarget);
        }
        const job = `${p.processor.replace(/\./g, "-")}-${round}`;
        const c = await runJob(`${job}-clean`, p.processor, p.config(cleanTarget), clean);
        const q = await runJob(`${job}-poisoned`, p.processor, p.config(poisonTarget), poisoned);
        if (q.finished) await checkPoisonedRun(db, q.jobId, p.processor, poisonCount, expectedSums);
        runs.push({ clean: c, poisoned: q });
        console.log(`${p.name} round ${round}: clean ${describe(c)}, poisoned ${describe(q)}, ratio ${ratio(c, q)}; load ${loadAverage()}`);
        if (!q.finished) break; // more rounds would only say the same, slowly
      }
      const median = [...runs].sort((x, y) => x.poisoned.seconds / x.clean.seconds - y.poisoned.seconds / y.clean.seconds)[Math.floor((runs.length - 1) / 2)];
      lines.push(`| ${p.name} | ${describe(median.clean)} | ${describe(median.poisoned)} | **${ratio(median.clean, median.poisoned)}** | ${runs.map((r) => ratio(r.clean, r.poisoned)).join(", ")} |`);
    }
  } finally {
    await db.$disconnect();
    if (process.env.KAFKA_BROKERS) await deleteTopics(brokers, [clean, poisoned, ...targets]);
  }
  fs.rmSync(path.join(tmp, "tidemark.db"), { force: true });

  console.log("\n## Dead letters (markdown)\n");
  console.log(`${machine()}, load average at the end ${loadAverage()}; ${fmt(RECORDS)} records, every ${POISON_EVERY}th poison (${fmt(poisonCount)}), ${PARTITIONS} partitions, onError "skip", default batch limits\n`);
  console.log("| processor | clean | 10% poison | ratio (median round; target < 2) | ratio per round |\n| --- | ---: | ---: | ---: | --- |");
  for (const l of lines) console.log(l);
});

const describe = (r: Run) =>
  `${r.finished ? "" : "> "}${r.seconds.toFixed(2)} s (${r.batches} batches${r.finished ? `; read ${(r.readMs / 1000).toFixed(2)} s, commit ${(r.commitMs / 1000).toFixed(2)} s` : ""}${r.attempts > r.batches ? `; ${r.attempts} attempts: ${r.error}` : ""})`;
const ratio = (clean: Run, poisoned: Run) => `${poisoned.finished ? "" : "> "}${(poisoned.seconds / clean.seconds).toFixed(2)}`;

/** Every poison record dead-lettered exactly once; sum-field's sums those of the clean records. */
async function checkPoisonedRun(db: Db, jobId: string, processor: string, poisonCount: number, expectedSums: Map<string, number>): Promise<void> {
  const letters = await db.deadLetter.findMany({ where: { jobId }, select: { topic: true, partition: true, offset: true } });
  const distinct = new Set(letters.map((l) => `${l.topic}/${l.partition}/${l.offset}`));
  if (letters.length !== poisonCount || distinct.size !== poisonCount) throw new Error(`${letters.length} dead letters (${distinct.size} distinct), expected ${poisonCount}`);
  if (processor === "forward") return;
  const rows = await db.keyCount.findMany({ where: { jobId } });
  const sums = new Map(rows.map((r) => [r.key, Number(r.count)]));
  for (const [key, sum] of expectedSums) if (sums.get(key) !== sum) throw new Error(`sum of ${key}: ${sums.get(key)}, expected ${sum}`);
}

async function deleteTopics(brokers: string[], topics: string[]): Promise<void> {
  const admin = quietKafka(brokers).admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch((error: unknown) => console.error(`could not delete the topics: ${String(error)}`));
  await admin.disconnect();
}
