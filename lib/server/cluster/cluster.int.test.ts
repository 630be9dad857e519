/**
 * Three Tidemark instances (runtime-process.ts --instance: the runtime and the cluster's singletons, no web
 * server) on one PostgreSQL database and the test broker, ten jobs, keyed records produced by kcat while
 * they run. One instance is SIGKILLed, one SIGSTOPped past its TTL and continued, then all three are
 * restarted one by one with SIGTERM. At the end: exact counts, nothing doubled, ranges that tile every
 * partition, lease epochs that only grow, and each alert event delivered once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertRuleSchema } from "@/lib/contracts/alerts";
import { partitionKey, type OffsetRange } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, uniqueTopicName } from "@/lib/testing/kafka";
import { assertRangesTile, caughtUp, keyedLines, readCounts } from "@/lib/testing/runtime-helpers";
import { spawnRuntimeProcess, type SpawnedRuntime } from "@/lib/testing/runtime-process-spawn";
import { countStoredRecordsOfJob } from "@/lib/testing/stored-records";
import { createTempDatabase, testingOnPostgres, waitFor } from "@/lib/testing/temp-db";
import { createChannel } from "../alerts/alert-channel-service";
import { createRule } from "../alerts/alert-service";
import { startTestReceivers, type TestReceivers } from "../alerts/test-receivers";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { insertJob, setDesiredState } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { listLeases } from "./lease-store";

/** The run's size: ten jobs, 100,000 keyed records for the counting jobs and 10,000 for the storing ones, in ten chunks. */
const size = { ttlMs: 4_000, countJobs: 7, storeJobs: 3, keyedRecords: 100_000, storedRecords: 10_000, chunks: 10 };
const { ttlMs: TTL_MS, countJobs: COUNT_JOBS, storeJobs: STORE_JOBS, keyedRecords: KEYED_RECORDS, storedRecords: STORED_RECORDS, chunks: CHUNKS } = size;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Instance = SpawnedRuntime;

function startInstance(databaseUrl: string, n: number): Instance {
  return spawnRuntimeProcess(
    {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: testBrokers().join(","),
      KAFKA_CLIENT_ID: `cluster-test-${n}`,
      TIDEMARK_LEASE_TTL_MS: String(TTL_MS),
      TIDEMARK_RECONCILE_INTERVAL_MS: "300",
      LAG_SAMPLE_INTERVAL_MS: "1000",
      TIDEMARK_DEMO: "0",
      TIDEMARK_PUBLIC_URL: "http://tidemark.test",
    },
    ["--instance"],
  );
}

describe.runIf(testingOnPostgres)("three instances sharing ten jobs on PostgreSQL", () => {
  const database = createTempDatabase();
  const db = database.client();
  const log = new KafkajsLog(createKafka(testBrokers(), "cluster-test-observer"));
  const keyedTopic = uniqueTopicName("cluster-keyed");
  const storedTopic = uniqueTopicName("cluster-stored");
  const expected = new Map<string, number>();
  const jobs: { id: string; name: string; processor: string; topic: string }[] = [];
  const instances: Instance[] = [];
  let receivers: TestReceivers;

  /** Which instance (by pid) owns each job's live lease right now. */
  const owners = async () => {
    const rows = await db.$queryRawUnsafe<{ name: string; owner: string | null; live: boolean }[]>(
      `SELECT "name", "owner", "expiresAt" > (extract(epoch from clock_timestamp()) * 1000)::bigint AS live FROM "Lease" WHERE "name" LIKE 'job:%'`,
    );
    return new Map(rows.map((r) => [r.name.slice(4), r.live && r.owner ? Number(r.owner.split("-").at(-2)) : null]));
  };
  /** The pid of the instance leading the singletons (lag sampling, alerting). */
  const leaderPid = async () => {
    const [row] = await db.$queryRawUnsafe<{ owner: string | null }[]>(`SELECT "owner" FROM "Lease" WHERE "name" = 'leader:singletons'`);
    return row?.owner ? Number(row.owner.split("-").at(-2)) : null;
  };
  const jobsOf = async (pid: number) => [...(await owners())].filter(([, owner]) => owner === pid).map(([id]) => id);
  const livePids = () => instances.filter((i) => i.child.exitCode === null && i.child.signalCode === null).map((i) => i.child.pid!);
  const allOwnedBy = async (pids: number[]) => {
    const map = await owners();
    return jobs.every((j) => pids.includes(map.get(j.id) ?? -1));
  };

  beforeAll(async () => {
    receivers = await startTestReceivers();
    await createTopic(testBrokers(), keyedTopic, 8);
    await createTopic(testBrokers(), storedTopic, 8);
    for (let i = 0; i < COUNT_JOBS + STORE_JOBS; i++) {
      const counting = i < COUNT_JOBS;
      const topic = counting ? keyedTopic : storedTopic;
      const job = await insertJob(db, {
        name: `cluster-${counting ? "count" : "store"}-${i}`,
        topics: [topic],
        processor: counting ? "count-by-key" : "store-records",
        batchIntervalMs: 200,
        maxRecordsPerPartition: 2_000,
        startingOffsets: "earliest",
        retryBackoffMs: 100,
      });
      jobs.push({ id: job.id, name: job.name, processor: job.processor, topic });
      await setDesiredState(db, job.id, "running");
    }
    const deps = { db, actor: "test", publicUrl: "http://tidemark.test", timeoutMs: 2_000 };
    const channel = await createChannel(deps, { name: "cluster-hook", type: "webhook", url: receivers.url("/hook"), enabled: true });
    await createRule(
      deps,
      createAlertRuleSchema.parse({ name: "first job behind", target: { type: "job", job: jobs[0].name }, condition: { type: "lag", threshold: 2_000 }, forSeconds: 0, severity: "warning", repeatSeconds: null, channels: [channel.id] }),
    );
  });

  afterAll(async () => {
    for (const i of instances) {
      i.child.kill("SIGCONT");
      i.child.kill("SIGKILL");
    }
    await receivers?.close();
    await log.close();
    await db.$disconnect();
    database.remove();
  });

  it("spreads the jobs, survives SIGKILL, a pause past the TTL and a rolling restart, and counts every record once", async () => {
    let chunk = 0;
    const produceChunk = async () => {
      const n = chunk++;
      await produceWithKcat(testBrokers(), keyedTopic, keyedLines(KEYED_RECORDS / CHUNKS, 1_000, n, expected));
      await produceWithKcat(testBrokers(), storedTopic, keyedLines(STORED_RECORDS / CHUNKS, 100, n, new Map()));
    };

    for (let n = 0; n < 3; n++) instances.push(startInstance(database.url, n));
    await produceChunk();
    // Every job owned, by all three instances, none above its fair share of ceil(10 / 3) = 4.
    // The first to start takes all ten, and hands the surplus over as the others join.
    const spread = async () => {
      const map = await owners();
      const held = livePids().map((p) => [...map.values()].filter((o) => o === p).length);
      return (await allOwnedBy(livePids())) && held.every((n) => n >= 1 && n <= 4);
    };
    await waitFor(spread, "jobs spread over three instances, at most 4 each", 60_000, 250);
    await produceChunk();

    // SIGKILL one (not the leader: a leader killed in the middle of a send may send that message again).
    const leader = await leaderPid();
    expect(livePids()).toContain(leader);
    const killed = instances.find((i) => i.child.pid !== leader)!;
    const killedJobs = await jobsOf(killed.child.pid!);
    expect(killedJobs.length).toBeGreaterThan(0);
    killed.child.kill("SIGKILL");
    await killed.exited;
    const killedAt = Date.now();
    await waitFor(() => allOwnedBy(livePids()), "the killed instance's jobs owned again", TTL_MS + 10_000, 200);
    expect(Date.now() - killedAt).toBeLessThan(TTL_MS + 6_000);
    instances.push(startInstance(database.url, 3));
    await produceChunk();

    // SIGSTOP the leader past its TTL: others take its jobs and the lead; continued, it commits and sends nothing more and says so.
    const paused = instances.find((i) => i.child.pid === leader)!;
    const pausedJobs = await jobsOf(paused.child.pid!);
    expect(pausedJobs.length).toBeGreaterThan(0);
    const epochsBefore = new Map((await listLeases(db, "job:")).map((l) => [l.name.slice(4), l.epoch]));
    const lastBatchBeforePause = (await db.batch.aggregate({ _max: { id: true } }))._max.id ?? 0;
    paused.child.kill("SIGSTOP");
    await produceChunk();
    await waitFor(async () => allOwnedBy(livePids().filter((p) => p !== paused.child.pid)), "the paused instance's jobs owned by others", TTL_MS + 15_000, 200);
    await waitFor(async () => ![null, paused.child.pid].includes(await leaderPid()), "another instance to lead", TTL_MS + 15_000, 200);
    const takenOver = new Map((await listLeases(db, "job:")).map((l) => [l.name.slice(4), l.epoch]));
    for (const id of pausedJobs) expect(takenOver.get(id)!).toBeGreaterThan(epochsBefore.get(id)!);
    paused.child.kill("SIGCONT");
    await waitFor(async () => /write refused|taken by another instance/.test(paused.output()), "the resumed instance notices", 20_000, 200);
    // Whatever it held in flight was refused: every batch of its old jobs committed since the pause carries a new epoch.
    await sleep(2_000);
    const sincePause = await db.batch.findMany({ where: { status: "succeeded", id: { gt: lastBatchBeforePause }, jobId: { in: pausedJobs } }, select: { jobId: true, leaseEpoch: true } });
    expect(sincePause.length).toBeGreaterThan(0);
    for (const b of sincePause) expect(b.leaseEpoch!).toBeGreaterThan(epochsBefore.get(b.jobId)!);
    await produceChunk();

    // Rolling restart: each live instance gets SIGTERM, exits cleanly, and is replaced.
    for (const old of instances.filter((i) => livePids().includes(i.child.pid!))) {
      old.child.kill("SIGTERM");
      expect((await old.exited).code).toBe(0);
      instances.push(startInstance(database.url, instances.length));
      await produceChunk();
      await waitFor(() => allOwnedBy(livePids()), "jobs owned after a restart", TTL_MS + 20_000, 200);
    }
    while (chunk < CHUNKS) await produceChunk();

    // Everything read exactly once.
    for (const job of jobs) await waitFor(() => caughtUp(db, log, job.id, [job.topic]), `${job.name} caught up`, 180_000, 500);
    const keyedEnds = new Map((await log.logOffsets([keyedTopic])).map((o) => [partitionKey(o), o.logEndOffset]));
    const storedEnds = new Map((await log.logOffsets([storedTopic])).map((o) => [partitionKey(o), o.logEndOffset]));
    expect([...keyedEnds.values()].reduce((a, b) => a + b, 0)).toBe(KEYED_RECORDS);
    for (const job of jobs) {
      const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
      const counting = job.processor === "count-by-key";
      expect(Number(row.recordsProcessed), job.name).toBe(counting ? KEYED_RECORDS : STORED_RECORDS);
      if (counting) expect(await readCounts(db, job.id)).toEqual(expected);
      else expect(await countStoredRecordsOfJob(db, job.id)).toBe(STORED_RECORDS);
      const batches = await db.batch.findMany({ where: { jobId: job.id, status: "succeeded" }, orderBy: { id: "asc" }, include: { ranges: true } });
      const ranges: OffsetRange[] = batches.flatMap((b) => b.ranges.map((r) => ({ topic: r.topic, partition: r.partition, fromOffset: Number(r.fromOffset), untilOffset: Number(r.untilOffset) })));
      assertRangesTile(ranges, counting ? keyedEnds : storedEnds);
      // Epochs only grow in commit order.
      const epochs = batches.map((b) => b.leaseEpoch!);
      expect(epochs.every((e, i) => e !== null && (i === 0 || e >= epochs[i - 1])), `${job.name} epochs ${epochs.join(",")}`).toBe(true);
      expect((await readOffsets(db, job.id)).length).toBe(8);
    }

    // Each alert event was delivered once by the cluster: one "firing" and at most one "resolved" per event.
    const posts = receivers.received("/hook").map((r) => r.body as { kind: string; eventId: number });
    expect(posts.filter((p) => p.kind === "firing").length).toBeGreaterThan(0);
    for (const kind of ["firing", "resolved"]) {
      const ids = posts.filter((p) => p.kind === kind).map((p) => p.eventId);
      expect(ids.length, `${kind} deliveries ${ids.join(",")}`).toBe(new Set(ids).size);
    }
  });
});
