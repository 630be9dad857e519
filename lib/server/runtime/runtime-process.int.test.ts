/**
 * The runtime as a real OS process (runtime-process.ts: the same wiring as boot.ts inside `next
 * start`, without the web server and `next build`), killed with SIGKILL at random moments and stopped
 * with SIGTERM while records flow. A separate process is the only honest way to test a crash:
 * nothing in it gets to clean up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionKey, type OffsetRange } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, uniqueTopicName } from "@/lib/testing/kafka";
import { assertRangesTile, caughtUp, jobRow, keyedLines, readCounts } from "@/lib/testing/runtime-helpers";
import { spawnRuntimeProcess, type SpawnedRuntime } from "@/lib/testing/runtime-process-spawn";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { listBatches } from "../stores/batch-store";
import { insertJob, setDesiredState } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";

const RECORDS = 200_000;
const KEYS = 1_000;
const CHUNKS = 10;
const KILLS = 6;
const EXTRA_KILLS = 4;

type Runtime = SpawnedRuntime;

function startRuntimeProcess(databaseUrl: string): Runtime {
  return spawnRuntimeProcess({ DATABASE_URL: databaseUrl, KAFKA_BROKERS: testBrokers().join(","), KAFKA_CLIENT_ID: "crash-test", TIDEMARK_RECONCILE_INTERVAL_MS: "200" });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the runtime process under SIGKILL and SIGTERM", () => {
  const database = createTempDatabase();
  const db = database.client();
  const log = new KafkajsLog(createKafka(testBrokers(), "crash-test-observer"));
  const topic = uniqueTopicName("crash");
  const expected = new Map<string, number>();
  let jobId = "";
  let current: Runtime | null = null;

  beforeAll(async () => {
    await createTopic(testBrokers(), topic, 8);
    const job = await insertJob(db, {
      name: "crash",
      topics: [topic],
      processor: "count-by-key",
      batchIntervalMs: 100,
      maxRecordsPerPartition: 1_500,
      startingOffsets: "earliest",
    });
    jobId = job.id;
    await setDesiredState(db, job.id, "running");
  });

  afterAll(async () => {
    if (current && current.child.exitCode === null) {
      current.child.kill("SIGKILL");
      await current.exited;
    }
    await log.close();
    await db.$disconnect();
    database.remove();
  });

  const succeededRanges = async (): Promise<OffsetRange[]> =>
    (await listBatches(db, jobId, { limit: 100_000 })).filter((b) => b.status === "succeeded").flatMap((b) => b.ranges);

  it(`loses and doubles nothing when SIGKILLed ${KILLS}+ times at random moments while ${RECORDS} records flow; the kills cut batches short`, async () => {
    const lines = keyedLines(RECORDS, KEYS, 7, expected);
    let produced = RECORDS;
    const perChunk = RECORDS / CHUNKS;
    // Production runs alongside the kills: a chunk every 700 ms.
    const producing = (async () => {
      for (let i = 0; i < CHUNKS; i++) {
        await produceWithKcat(testBrokers(), topic, lines.slice(i * perChunk, (i + 1) * perChunk));
        await sleep(700);
      }
    })();

    // Batches a kill left `running`: read once the process is dead, so each was surely in flight at the
    // kill (a batch is `running` from before its first read until the transaction that commits it).
    const leftRunning: number[][] = [];
    let kill = 0;
    // The first KILLS kills come at random moments; if none of them landed in a batch, up to
    // EXTRA_KILLS more come right after a batch is seen running, with fresh records to read if needed.
    while (kill < KILLS || (leftRunning.every((ids) => ids.length === 0) && kill < KILLS + EXTRA_KILLS)) {
      current = startRuntimeProcess(database.url);
      // Random moment: the first kill may hit the boot itself; later ones land in batching.
      const runtime = current;
      if (kill > 0) await waitFor(async () => runtime.output().includes("started"), "the runtime process to start", 30_000, 20);
      if (kill < KILLS) {
        await sleep(kill === 0 ? Math.floor(Math.random() * 2_500) : 200 + Math.floor(Math.random() * 1_500));
      } else {
        await producing;
        await produceWithKcat(testBrokers(), topic, keyedLines(20_000, KEYS, 100 + kill, expected));
        produced += 20_000;
        await waitFor(async () => (await db.batch.count({ where: { jobId, status: "running" } })) > 0, "a batch running", 20_000, 2);
      }
      current.child.kill("SIGKILL");
      const { signal } = await current.exited;
      expect(signal, current.output()).toBe("SIGKILL");
      leftRunning.push((await db.batch.findMany({ where: { jobId, status: "running" }, select: { id: true } })).map((b) => b.id));
      kill += 1;
    }
    await producing;

    current = startRuntimeProcess(database.url);
    await waitFor(() => caughtUp(db, log, jobId, [topic]), "the job to catch up after the last restart", 90_000, 250);

    const counts = await readCounts(db, jobId);
    expect(counts.size).toBe(KEYS);
    expect(counts).toEqual(expected);
    const logEnds = new Map((await log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    expect([...logEnds.values()].reduce((a, b) => a + b, 0)).toBe(produced);
    assertRangesTile(await succeededRanges(), logEnds);
    expect(Number((await jobRow(db, jobId)).recordsProcessed)).toBe(produced);
    // Kills landed in batches, and each batch a kill cut short ran again (a second attempt) and committed.
    console.log(`[crash test] ${kill} kills; batches left running by each: ${leftRunning.map((ids) => ids.length).join(", ")}`);
    // Once each: a batch that two kills in a row caught before it could run again is listed twice.
    const cut = [...new Set(leftRunning.flat())];
    expect(cut.length, "at least one kill landed while a batch was running").toBeGreaterThan(0);
    const rerun = await db.batch.findMany({ where: { id: { in: cut } }, select: { status: true, attempts: true } });
    expect(rerun).toHaveLength(cut.length);
    for (const b of rerun) {
      expect(b.status).toBe("succeeded");
      expect(b.attempts).toBeGreaterThanOrEqual(2);
    }
  }, 180_000);

  // SIGINT (Ctrl-C) goes through the same handler as SIGTERM and must give the same guarantees.
  it.each(["SIGTERM", "SIGINT"] as const)("%s: the batch in flight commits or rolls back completely, and the process exits within 10 s", async (sig) => {
    if (!current) throw new Error("the previous test left no runtime running");
    const more = new Map<string, number>();
    await produceWithKcat(testBrokers(), topic, keyedLines(40_000, KEYS, sig === "SIGTERM" ? 9 : 10, more));
    for (const [k, n] of more) expected.set(k, (expected.get(k) ?? 0) + n);
    await waitFor(
      async () => (await db.batch.count({ where: { jobId, status: { in: ["planned", "running"] } } })) > 0,
      "a batch in flight",
      20_000,
      5,
    );
    const sentAt = Date.now();
    current.child.kill(sig);
    const { code, signal } = await current.exited;
    const exitMs = Date.now() - sentAt;
    expect(exitMs).toBeLessThan(10_000);
    expect({ code, signal }, current.output()).toEqual({ code: 0, signal: null });
    expect(current.output()).toContain(`${sig}: stopping the runtime`);

    // All or nothing: stored offsets sit exactly at the end of the succeeded ranges, and the counts
    // equal what those ranges hold; an unfinished batch starts at the stored offsets.
    const ranges = await succeededRanges();
    const ends = new Map<string, number>();
    for (const r of ranges) ends.set(partitionKey(r), Math.max(ends.get(partitionKey(r)) ?? 0, r.untilOffset));
    const stored = new Map((await readOffsets(db, jobId)).map((o) => [partitionKey(o), o.offset]));
    expect(stored).toEqual(ends);
    const committedRecords = ranges.reduce((sum, r) => sum + r.untilOffset - r.fromOffset, 0);
    const counted = [...(await readCounts(db, jobId)).values()].reduce((a, b) => a + b, 0);
    expect(counted).toBe(committedRecords);
    for (const b of await listBatches(db, jobId, { limit: 100 })) {
      if (b.status === "succeeded") continue;
      for (const r of b.ranges) expect(r.fromOffset).toBe(stored.get(partitionKey(r)));
    }
    const produced = [...expected.values()].reduce((a, b) => a + b, 0);
    console.log(`[crash test] ${sig} exit after ${exitMs} ms; ${committedRecords} of ${produced} records committed at that moment`);

    // A new process resumes and catches up exactly; it stays running for the next case (afterAll kills it).
    current = startRuntimeProcess(database.url);
    await waitFor(() => caughtUp(db, log, jobId, [topic]), `the job to catch up after ${sig}`, 60_000, 250);
    expect(await readCounts(db, jobId)).toEqual(expected);
    const logEnds = new Map((await log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    assertRangesTile(await succeededRanges(), logEnds);
  }, 120_000);
});
