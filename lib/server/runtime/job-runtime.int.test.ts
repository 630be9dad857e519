/**
 * The runtime end to end on the real broker: exact counts, restarts, two runtimes on one database, the
 * Kafka offset mirror. Over 300 lines on purpose: the scenarios share one broker and database setup.
 */
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "@/lib/domain/ports";
import { partitionKey, type OffsetRange } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { jobRow, keyedLines } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, testingOnPostgres, waitFor } from "@/lib/testing/temp-db";
import { PrismaClient } from "../db/client";
import { serializedAdapterFactory } from "../db/serialized-adapter";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { KafkaOffsetMirror } from "../kafka/offset-mirror";
import { updateJob } from "../services/jobs";
import { listBatches } from "../stores/batch-store";
import { insertJob, setDesiredState } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { listStoredRecords } from "../stores/record-store";
import type { Db } from "../stores/tx";
import { JobCoordinator } from "./job-coordinator";
import { StaticOwnership } from "./static-ownership";

const KEYS = 100;

/** Keyed lines with a known count per key; a few null keys (no ':' in the line). */
function makeRecords(count: number, seed: number, expected: Map<string, number>): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    if ((i + seed) % 997 === 0) {
      lines.push(`novalue-${i}`); // no key delimiter: kcat sends a null key
      expected.set("(null)", (expected.get("(null)") ?? 0) + 1);
      continue;
    }
    const key = `key-${(i * 7919 + seed) % KEYS}`;
    lines.push(`${key}:{"n":${i}}`);
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  return lines;
}

function startRuntime(db: Db, opts: { mirror?: boolean } = {}) {
  const kafka = createKafka(testBrokers(), "runtime-int-test");
  const log = new KafkajsLog(kafka);
  const mirror = opts.mirror ? new KafkaOffsetMirror(kafka) : undefined;
  const coordinator = new JobCoordinator({
    db,
    log,
    clock: systemClock,
    ownershipFor: (job) => new StaticOwnership(log, job.topics),
    reconcileIntervalMs: 100,
    mirror,
  });
  let stopping: Promise<void> | null = null;
  return {
    log,
    coordinator,
    stop() {
      stopping ??= (async () => {
        await coordinator.stop();
        await mirror?.close();
        await log.close();
      })();
      return stopping;
    },
  };
}

async function readCounts(db: Db, jobId: string): Promise<Map<string, number>> {
  const rows = await db.keyCount.findMany({ where: { jobId } });
  return new Map(rows.map((r) => [r.key, Number(r.count)]));
}

async function caughtUp(db: Db, log: KafkajsLog, jobId: string, topic: string): Promise<boolean> {
  const stored = new Map((await readOffsets(db, jobId)).map((o) => [partitionKey(o), o.offset]));
  const ends = await log.logOffsets([topic]);
  return ends.every((e) => stored.get(partitionKey(e)) === e.logEndOffset);
}

/** Per partition, succeeded batches' ranges must tile [0, logEnd) exactly: contiguous, no overlap. */
function assertRangesTile(ranges: OffsetRange[], logEnds: Map<string, number>) {
  const byPartition = new Map<string, OffsetRange[]>();
  for (const r of ranges) byPartition.set(partitionKey(r), [...(byPartition.get(partitionKey(r)) ?? []), r]);
  expect([...byPartition.keys()].sort()).toEqual([...logEnds.keys()].sort());
  for (const [key, list] of byPartition) {
    // By start, then end: an empty range [n, n) of an older batch sorts before [n, m) of a newer one.
    list.sort((a, b) => a.fromOffset - b.fromOffset || a.untilOffset - b.untilOffset);
    let next = 0;
    for (const r of list) {
      expect(r.fromOffset, `${key} range starts where the previous ended`).toBe(next);
      expect(r.untilOffset).toBeGreaterThanOrEqual(r.fromOffset);
      next = r.untilOffset;
    }
    expect(next, `${key} ranges end at the log end`).toBe(logEnds.get(key));
  }
}

describe("job runtime on a real broker", () => {
  const database = createTempDatabase();
  const db = database.client();
  const topic = uniqueTopicName("runtime");
  const expected = new Map<string, number>();

  beforeAll(async () => {
    await createTopic(testBrokers(), topic, 4);
  });

  afterAll(async () => {
    await db.$disconnect();
    database.remove();
  });

  it("counts exactly, commits contiguous ranges, and resumes from stored offsets after a restart", async () => {
    await produceWithKcat(testBrokers(), topic, makeRecords(20_000, 1, expected));
    const job = await insertJob(db, {
      name: "count-int",
      topics: [topic],
      processor: "count-by-key",
      batchIntervalMs: 200,
      maxRecordsPerPartition: 2_000,
      startingOffsets: "earliest",
    });
    await setDesiredState(db, job.id, "running");

    const first = startRuntime(db);
    await first.coordinator.start();
    await waitFor(() => caughtUp(db, first.log, job.id, topic), "the job to reach lag 0", 90_000);
    await first.stop();

    expect(await readCounts(db, job.id)).toEqual(expected);
    let logEnds = new Map((await first.log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    expect([...logEnds.values()].reduce((a, b) => a + b, 0)).toBe(20_000);
    let batches = await listBatches(db, job.id, { limit: 10_000 });
    expect(batches.length).toBeGreaterThanOrEqual(3); // 20,000 records, ≤ 2,000 per partition per batch
    expect(batches.every((b) => b.status === "succeeded")).toBe(true);
    expect(batches.reduce((sum, b) => sum + b.records, 0)).toBe(20_000);
    assertRangesTile(batches.flatMap((b) => b.ranges), logEnds);

    // Produce while nothing runs, then a fresh runtime (new connections) must resume where the first stopped.
    await produceWithKcat(testBrokers(), topic, makeRecords(5_000, 2, expected));
    const restartedDb = database.client();
    const second = startRuntime(restartedDb);
    await second.coordinator.start();
    await waitFor(() => caughtUp(restartedDb, second.log, job.id, topic), "the restarted job to reach lag 0", 90_000);
    await second.stop();

    expect(await readCounts(restartedDb, job.id)).toEqual(expected);
    logEnds = new Map((await second.log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    batches = await listBatches(restartedDb, job.id, { limit: 10_000 });
    expect(batches.reduce((sum, b) => sum + b.records, 0)).toBe(25_000);
    assertRangesTile(batches.flatMap((b) => b.ranges), logEnds);
    const jobRow = await restartedDb.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(Number(jobRow.recordsProcessed)).toBe(25_000);
    expect(jobRow.status).toBe("stopped");
    await restartedDb.$disconnect();
  });

  const statusIs = (jobId: string, status: string) => async () => (await jobRow(db, jobId)).status === status;

  it("changing a stopped job's processor config, then its processor, keeps its offsets: only new records are processed", async () => {
    const settingsTopic = uniqueTopicName("settings");
    await createTopic(testBrokers(), settingsTopic, 2);
    const first = new Map<string, number>();
    await produceWithKcat(testBrokers(), settingsTopic, keyedLines(3_000, 20, 1, first));
    const job = await insertJob(db, { name: "settings", topics: [settingsTopic], processor: "count-by-key", batchIntervalMs: 100, startingOffsets: "earliest" });
    const runtime = startRuntime(db);
    await runtime.coordinator.start();
    const deps = { db, log: runtime.log, actor: "test" };
    const runToLagZero = async (what: string) => {
      await setDesiredState(db, job.id, "running");
      await waitFor(() => caughtUp(db, runtime.log, job.id, settingsTopic), what, 30_000, 100);
      await setDesiredState(db, job.id, "stopped");
      await waitFor(statusIs(job.id, "stopped"), "the job to stop", 10_000, 100);
    };
    const windowedCounts = async (which: "all-time" | "windowed") => {
      const rows = await db.keyCount.findMany({ where: { jobId: job.id, windowStart: which === "all-time" ? 0 : { gt: 0 } } });
      const sums = new Map<string, number>();
      for (const r of rows) sums.set(r.key, (sums.get(r.key) ?? 0) + Number(r.count));
      return sums;
    };
    try {
      await runToLagZero("the first 3,000 records");
      expect(await windowedCounts("all-time")).toEqual(first);

      // 1. A config change (a tumbling window): the offsets stay, and only records produced since are
      //    counted, all of them into windows; the all-time counts of before are left as they were.
      const offsets = await readOffsets(db, job.id);
      expect(offsets.reduce((sum, o) => sum + o.offset, 0)).toBe(3_000);
      await updateJob(deps, job.id, { processorConfig: { windowMs: 60_000 } });
      expect(await readOffsets(db, job.id)).toEqual(offsets);
      const second = new Map<string, number>();
      await produceWithKcat(testBrokers(), settingsTopic, keyedLines(1_000, 20, 2, second));
      await runToLagZero("the 1,000 records produced after the config change");
      expect(await windowedCounts("all-time")).toEqual(first);
      expect(await windowedCounts("windowed")).toEqual(second);
      const ranges = (await listBatches(db, job.id, { limit: 1_000 })).filter((b) => b.status === "succeeded").flatMap((b) => b.ranges);
      const logEnds = new Map((await runtime.log.logOffsets([settingsTopic])).map((o) => [partitionKey(o), o.logEndOffset]));
      assertRangesTile(ranges, logEnds); // no range read twice across the change

      // 2. A processor change (to store-records): again from the stored offsets, so it stores only the 5 new records.
      const offsetsBefore = await readOffsets(db, job.id);
      await updateJob(deps, job.id, { processor: "store-records", processorConfig: { retentionMs: 3_600_000 } });
      expect(await readOffsets(db, job.id)).toEqual(offsetsBefore);
      await produceWithKcat(testBrokers(), settingsTopic, ["new-1:a", "new-2:b", "new-3:c", "new-4:d", "new-5:e"]);
      await runToLagZero("the 5 records produced after the processor change");
      const stored = (await listStoredRecords(db, job.id, { limit: 100 })).items;
      expect(stored.map((r) => r.key).sort()).toEqual(["new-1", "new-2", "new-3", "new-4", "new-5"]);
      const resumedAt = new Map(offsetsBefore.map((o) => [partitionKey(o), o.offset]));
      for (const r of stored) expect(Number(r.offset)).toBeGreaterThanOrEqual(resumedAt.get(partitionKey(r)) as number);
      expect(await windowedCounts("all-time")).toEqual(first);
      expect(await windowedCounts("windowed")).toEqual(second);
    } finally {
      await runtime.stop();
    }
  });

  it("mirrorOffsetsToKafka: false commits nothing to the group tidemark.<job>; the default mirrors the job's offsets there", async () => {
    const mirrorTopic = uniqueTopicName("mirror");
    await createTopic(testBrokers(), mirrorTopic, 2);
    await produceWithKcat(testBrokers(), mirrorTopic, keyedLines(200, 10, 1, new Map()));
    const suffix = Date.now().toString(36);
    const mirrored = await insertJob(db, { name: `mirrored-${suffix}`, topics: [mirrorTopic], processor: "count-by-key", batchIntervalMs: 100, startingOffsets: "earliest" });
    const unmirrored = await insertJob(db, {
      name: `unmirrored-${suffix}`,
      topics: [mirrorTopic],
      processor: "count-by-key",
      batchIntervalMs: 100,
      startingOffsets: "earliest",
      mirrorOffsetsToKafka: false,
    });
    const admin = testKafka().admin();
    await admin.connect();
    const runtime = startRuntime(db, { mirror: true });
    await runtime.coordinator.start();
    const groupOffsets = async (jobName: string) => {
      const [topicOffsets] = await admin.fetchOffsets({ groupId: `tidemark.${jobName}`, topics: [mirrorTopic] });
      return topicOffsets.partitions.map((p) => Number(p.offset)).sort((a, b) => a - b);
    };
    try {
      // On a fresh broker a group's coordinator first answers "loading"; the mirror, best effort, would
      // then skip the only commit this job makes. Ask for both groups' offsets until they answer.
      for (const job of [mirrored, unmirrored]) await waitFor(async () => (await groupOffsets(job.name)).length === 2, "the group coordinator", 30_000, 200);
      for (const job of [mirrored, unmirrored]) await setDesiredState(db, job.id, "running");
      for (const job of [mirrored, unmirrored]) await waitFor(() => caughtUp(db, runtime.log, job.id, mirrorTopic), `${job.name} to catch up`, 30_000, 100);
      const logEnds = (await runtime.log.logOffsets([mirrorTopic])).map((o) => o.logEndOffset).sort((a, b) => a - b);
      // The mirror works here: the default job's group reaches the log end …
      await waitFor(async () => JSON.stringify(await groupOffsets(mirrored.name)) === JSON.stringify(logEnds), "the mirrored group to reach the log end", 15_000, 100);
      // … so by then the other job, which committed the same batches at the same time, would have too.
      await runtime.stop();
      expect(await groupOffsets(unmirrored.name)).toEqual([-1, -1]); // -1: no committed offset
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups).toContain(`tidemark.${mirrored.name}`);
      expect(groups).not.toContain(`tidemark.${unmirrored.name}`);
    } finally {
      await runtime.stop();
      await admin.disconnect();
    }
  });

  // It counts the statements on SQLite's connection; PostgreSQL's path writes each chunk as one statement (unnest).
  it.skipIf(testingOnPostgres)("hot path: a count-by-key batch of 20,000 records runs as many SQL statements as one of 2,000 (same 1,500 keys)", async () => {
    // A client of our own on a fresh database (batch ids 1 and 2: no periodic delta pruning), whose
    // better-sqlite3 connection reports every statement it runs (`verbose`).
    const fresh = createTempDatabase();
    const statements: string[] = [];
    const traced = new PrismaClient({
      adapter: serializedAdapterFactory(new PrismaBetterSqlite3({ url: fresh.url, timeout: 10_000, verbose: (sql: unknown) => statements.push(String(sql)) }), () => {}),
    }) as Db;
    const KEYS_HOT = 1_500; // two multi-row upserts (1,000 rows each) and two delta inserts (800 each)
    const sizes = [2_000, 20_000];
    const jobs: { id: string; topic: string }[] = [];
    for (const n of sizes) {
      const hotTopic = uniqueTopicName(`hot-${n}`);
      await createTopic(testBrokers(), hotTopic, 2);
      const counts = new Map<string, number>();
      await produceWithKcat(testBrokers(), hotTopic, keyedLines(n, KEYS_HOT, 1, counts));
      expect(counts.size).toBe(KEYS_HOT);
      const job = await insertJob(traced, { name: `hot-${n}`, topics: [hotTopic], processor: "count-by-key", batchIntervalMs: 100, startingOffsets: "earliest" });
      jobs.push({ id: job.id, topic: hotTopic });
    }
    const runtime = startRuntime(traced);
    await runtime.coordinator.start();
    /** The statements of each transaction that committed a batch (BEGIN … COMMIT with a KeyCount upsert). */
    const batchTransactions: string[][] = [];
    try {
      // One job after the other, each reading its whole topic in one batch.
      for (const job of jobs) {
        const from = statements.length;
        await setDesiredState(traced, job.id, "running");
        await waitFor(() => caughtUp(traced, runtime.log, job.id, job.topic), "the job to catch up", 30_000, 100);
        await setDesiredState(traced, job.id, "stopped");
        await waitFor(async () => (await traced.job.findUniqueOrThrow({ where: { id: job.id } })).status === "stopped", "the job to stop", 10_000, 100);
        const transactions: string[][] = [];
        let open: string[] | null = null;
        for (const sql of statements.slice(from)) {
          if (/^BEGIN\b/i.test(sql)) open = [];
          else if (/^(COMMIT|ROLLBACK)\b/i.test(sql)) {
            if (open) transactions.push(open);
            open = null;
          } else open?.push(sql);
        }
        const committing = transactions.filter((t) => t.some((sql) => sql.includes(`INSERT INTO "KeyCount"`)));
        expect(committing, "one batch read the whole topic").toHaveLength(1);
        batchTransactions.push(committing[0]);
      }
    } finally {
      await runtime.stop();
      await traced.$disconnect();
      fresh.remove();
    }
    const [small, large] = batchTransactions.map((t) => t.length);
    console.log(`[hot path] statements in a batch's transaction: ${small} for ${sizes[0]} records, ${large} for ${sizes[1]} records:\n${batchTransactions[1].map((sql) => sql.slice(0, 90)).join("\n")}`);
    expect(large).toBe(small);
    // 2 upserts + 2 delta inserts for 1,500 keys, then per-batch bookkeeping (offsets, batch row, job totals).
    expect(large).toBeLessThanOrEqual(4 + 8);
  });
});
