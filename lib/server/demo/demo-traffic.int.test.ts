import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { readCounts } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { RuntimeHost } from "../runtime/runtime-host";
import { findJob } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { DEMO_JOB, DEMO_PARTITIONS, DEMO_TOPIC, DemoTraffic, startDemo } from "./demo-traffic";

/**
 * The demo as `npm start` boots it (startDemo, the call in lib/server/boot.ts), on the real test broker
 * with a temp database and a runtime: each test injects its own topic and job name.
 */

const temp = createTempDatabase();
let db: Db;
let runtime: RuntimeHost;
const kafka = testKafka(undefined, "demo-int-test");
const admin = kafka.admin();
const demos: DemoTraffic[] = [];

function names(prefix: string) {
  return { topic: uniqueTopicName(prefix), jobName: `${prefix}-${randomBytes(4).toString("hex")}` };
}

function boot(setting: "0" | "1", options: { topic: string; jobName: string; burstEveryMs?: number }): DemoTraffic | null {
  const demo = startDemo(setting, kafka, db, options);
  if (demo) demos.push(demo);
  return demo;
}

async function logEndTotal(topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

async function totalCount(jobId: string): Promise<number> {
  return [...(await readCounts(db, jobId)).values()].reduce((a, b) => a + b, 0);
}

/** The first `count` records of a topic, read by kcat (another client than the demo's). */
function consumeWithKcat(topic: string, count: number): Promise<{ key: string | null; payload: string | null; partition: number }[]> {
  const args = ["-C", "-b", testBrokers().join(","), "-t", topic, "-o", "beginning", "-c", String(count), "-e", "-J", "-q"];
  return new Promise((resolve, reject) => {
    // Asynchronous: the demo's producer runs on this event loop.
    execFile("kcat", args, { maxBuffer: 64 * 1024 * 1024, timeout: 30_000 }, (error, stdout) => {
      if (error) return reject(error);
      resolve(stdout.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line)));
    });
  });
}

beforeAll(async () => {
  db = temp.client();
  await admin.connect();
  runtime = new RuntimeHost({ databaseUrl: temp.url, brokers: testBrokers(), clientId: "demo-int-runtime", reconcileIntervalMs: 100 });
  await runtime.start();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(demos.splice(0).map((d) => d.stop()));
});

afterAll(async () => {
  await runtime?.stop();
  await admin.disconnect();
  await db?.$disconnect();
  temp.remove();
});

describe("demo", () => {
  it("defaults to the documented names", () => {
    const demo = new DemoTraffic(kafka, db);
    expect([demo.topic, demo.jobName, DEMO_TOPIC, DEMO_JOB, DEMO_PARTITIONS]).toEqual(["demo.events", "demo-count", "demo.events", "demo-count", 6]);
  });

  it("creates a 6-partition topic with keyed JSON traffic at a few hundred records/s and a running count job whose counts grow", async () => {
    const { topic, jobName } = names("demo-int");
    // No burst inside this test: it measures the steady rate.
    const demo = boot("1", { topic, jobName, burstEveryMs: 600_000 });
    expect(demo).not.toBeNull();

    await waitFor(async () => (await findJob(db, jobName)) !== null, "the demo job", 60_000);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0].partitions).toHaveLength(6);
    const job = (await findJob(db, jobName))!;
    expect(job).toMatchObject({ topics: [topic], processor: "count-by-key", desiredState: "running" });

    // Steady traffic: measured over 3 s once it flows.
    await waitFor(async () => (await logEndTotal(topic)) > 0, "the first demo records", 30_000);
    const t0 = Date.now();
    const n0 = await logEndTotal(topic);
    await new Promise((r) => setTimeout(r, 3000));
    const perSecond = ((await logEndTotal(topic)) - n0) / ((Date.now() - t0) / 1000);
    expect(perSecond, `${perSecond.toFixed(0)} records/s`).toBeGreaterThan(100);
    expect(perSecond, `${perSecond.toFixed(0)} records/s`).toBeLessThan(1000);

    // Keyed (keys repeat, so counts are more than 1) JSON events, spread over the partitions.
    const records = await consumeWithKcat(topic, 600);
    expect(records).toHaveLength(600);
    const keys = new Map<string, number>();
    for (const r of records) {
      expect(r.key).toMatch(/^user-\d\d$/);
      keys.set(r.key!, (keys.get(r.key!) ?? 0) + 1);
      const event = JSON.parse(r.payload!);
      expect(event).toMatchObject({ user: r.key, type: expect.any(String), seq: expect.any(Number) });
    }
    expect(keys.size).toBeGreaterThan(5);
    expect(keys.size).toBeLessThan(records.length / 5);
    expect(Math.max(...keys.values())).toBeGreaterThan(10);
    // Spread over the partitions: asked of the log, not of the 600 records kcat happened to fetch first
    // (it may hand over a few partitions' backlog before the others').
    const filled = (await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.high) > 0);
    expect(filled.length).toBeGreaterThan(3);

    // The runtime runs the job; its counts keep growing with the traffic.
    await waitFor(async () => (await db.job.findUniqueOrThrow({ where: { id: job.id } })).status === "running", "the demo job running", 30_000);
    await waitFor(async () => (await totalCount(job.id)) > 0, "first counts", 30_000);
    const before = await totalCount(job.id);
    await waitFor(async () => (await totalCount(job.id)) > before, "counts to grow", 30_000);
    const counted = await readCounts(db, job.id);
    expect([...counted.keys()].every((k) => /^user-\d\d$/.test(k))).toBe(true);
  });

  it("a second boot on the same broker and database starts again without errors or duplicates", async () => {
    const { topic, jobName } = names("demo-twice");
    const first = boot("1", { topic, jobName })!;
    await first.startWhenKafkaAnswers();
    const job = (await findJob(db, jobName))!;
    await waitFor(async () => (await logEndTotal(topic)) > 0, "first boot's records", 30_000);
    await first.stop();

    const warn = vi.spyOn(console, "warn");
    const second = new DemoTraffic(kafka, db, { topic, jobName });
    demos.push(second);
    // start() itself, not the retrying wrapper: it must succeed on the first try.
    await second.start();
    expect(warn).not.toHaveBeenCalled();
    expect(await db.job.count({ where: { name: jobName } })).toBe(1);
    expect(await findJob(db, jobName)).toMatchObject({ id: job.id, desiredState: "running" });
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0].partitions).toHaveLength(6);
    // And its traffic flows.
    const n = await logEndTotal(topic);
    await waitFor(async () => (await logEndTotal(topic)) > n, "second boot's records", 30_000);
  });

  it("sends bursts on top of the steady stream", async () => {
    const { topic, jobName } = names("demo-burst");
    const demo = boot("1", { topic, jobName, burstEveryMs: 1500 })!;
    await demo.startWhenKafkaAnswers();
    // Steady traffic adds ~60 records in 200 ms; a burst adds 4,000 in one send.
    let last = await logEndTotal(topic);
    let biggestStep = 0;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && biggestStep < 3000) {
      await new Promise((r) => setTimeout(r, 200));
      const now = await logEndTotal(topic);
      biggestStep = Math.max(biggestStep, now - last);
      last = now;
    }
    expect(biggestStep).toBeGreaterThanOrEqual(3000);
  });

  it("with TIDEMARK_DEMO=0 creates nothing: no topic, no job, no traffic", async () => {
    const { topic, jobName } = names("demo-off");
    const jobs = await db.job.count();
    expect(boot("0", { topic, jobName })).toBeNull();
    await new Promise((r) => setTimeout(r, 2000));
    expect(await admin.listTopics()).not.toContain(topic);
    expect(await findJob(db, jobName)).toBeNull();
    expect(await db.job.count()).toBe(jobs);
  });
});
