import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ConfigResourceTypes } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTopic, produceWithKcat, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { caughtUp, jobRow } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { listRecordBatches } from "../kafka/record-batches";
import { RuntimeHost } from "../runtime/runtime-host";
import { listDeadLetters } from "../stores/dead-letter-store";
import { insertJob, setDesiredState, type NewJob } from "../stores/job-store";
import { SINK_COMPRESSIONS } from "./record-sink";

const run = promisify(execFile);

interface KcatRecord {
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

/** Every record of a topic, read by kcat (librdkafka, any codec), independent of Tidemark's reader. */
async function readWithKcat(topic: string): Promise<(KcatRecord & { source: string | undefined })[]> {
  const { stdout } = await run("kcat", ["-C", "-b", testBrokers().join(","), "-t", topic, "-e", "-o", "beginning", "-q", "-J"], { maxBuffer: 256 * 1024 * 1024 });
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as KcatRecord)
    .map((r) => {
      const at = r.headers?.indexOf("tidemark.source") ?? -1;
      return { ...r, source: at >= 0 ? r.headers?.[at + 1] : undefined };
    });
}

describe("forward on a real broker", () => {
  const database = createTempDatabase();
  const db = database.client();
  let host: RuntimeHost;

  beforeAll(async () => {
    host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "forward-int-test", reconcileIntervalMs: 100 });
    await host.start();
  });

  afterAll(async () => {
    await host?.stop();
    await db.$disconnect();
    database.remove();
  });

  const newJob = async (job: Partial<NewJob> & Pick<NewJob, "name" | "topics" | "processorConfig">) => {
    const created = await insertJob(db, { processor: "forward", batchIntervalMs: 200, startingOffsets: "earliest", retryBackoffMs: 50, ...job });
    await setDesiredState(db, created.id, "running");
    return created;
  };

  it("forwards a backlog many times the target's max.message.bytes, every record once and in order per partition", async () => {
    const source = uniqueTopicName("fwd-backlog-src");
    const target = uniqueTopicName("fwd-backlog-dst");
    await createTopic(testBrokers(), source, 1);
    // 64 KB per record batch on the target, ~2.4 MB of backlog: one send of the batch is refused.
    await createTopic(testBrokers(), target, 3, [{ name: "max.message.bytes", value: "65536" }]);
    const lines = Array.from({ length: 120 }, (_, i) => `k-${i % 7}:${i}-${randomBytes(10_000).toString("hex")}`);
    await produceWithKcat(testBrokers(), source, lines, { partition: 0 });
    const job = await newJob({ name: "fwd-backlog", topics: [source], processorConfig: { topic: target } });

    await waitFor(() => caughtUp(db, host.log, job.id, [source]), "the backlog to be forwarded", 60_000);
    expect((await jobRow(db, job.id)).status).toBe("running");
    const forwarded = await readWithKcat(target);
    expect(forwarded).toHaveLength(120);
    const sourceRecords = await readWithKcat(source);
    const bySource = new Map(sourceRecords.map((r) => [`${source}/0/${r.offset}`, r]));
    for (const record of forwarded) {
      const original = bySource.get(record.source ?? "");
      expect(original, `source of ${record.partition}/${record.offset}`).toBeDefined();
      expect([record.key, record.payload]).toEqual([original!.key, original!.payload]);
    }
    expect(new Set(forwarded.map((r) => r.source)).size).toBe(120);
    // Each target partition holds its records in the source's order.
    for (const partition of [0, 1, 2]) {
      const offsets = forwarded.filter((r) => r.partition === partition).map((r) => Number(r.source!.split("/").at(-1)));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
  });

  it("learns a target's lowered max.message.bytes from the broker's refusal and sends in smaller parts", async () => {
    const source = uniqueTopicName("fwd-lowered-src");
    const target = uniqueTopicName("fwd-lowered-dst");
    await createTopic(testBrokers(), source, 1);
    await createTopic(testBrokers(), target, 1);
    await produceWithKcat(testBrokers(), source, ["k:first"], { partition: 0 });
    const job = await newJob({ name: "fwd-lowered", topics: [source], processorConfig: { topic: target } });
    await waitFor(() => caughtUp(db, host.log, job.id, [source]), "the first record, which makes the sink learn the default limit", 30_000);

    const admin = testKafka().admin();
    await admin.connect();
    await admin
      .alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: target, configEntries: [{ name: "max.message.bytes", value: "32768" }] }] })
      .finally(() => admin.disconnect());
    const lines = Array.from({ length: 30 }, (_, i) => `k:${i}-${"y".repeat(12_000)}`);
    await produceWithKcat(testBrokers(), source, lines, { partition: 0 });
    await waitFor(() => caughtUp(db, host.log, job.id, [source]), "the rest to be forwarded", 30_000);
    expect((await jobRow(db, job.id)).status).toBe("running");
    const forwarded = await readWithKcat(target);
    expect(forwarded.map((r) => r.source)).toEqual(Array.from({ length: 31 }, (_, i) => `${source}/0/${i}`));
  });

  it("writes the target's record batches with the configured codec", async () => {
    const source = uniqueTopicName("fwd-codec-src");
    await createTopic(testBrokers(), source, 1);
    const lines = Array.from({ length: 50 }, (_, i) => `k-${i % 5}:{"seq":${i},"text":"${"compressible ".repeat(40)}"}`);
    await produceWithKcat(testBrokers(), source, lines);
    const targets = new Map(SINK_COMPRESSIONS.map((codec) => [codec, uniqueTopicName(`fwd-codec-${codec}`)]));
    const jobs = [];
    for (const [codec, target] of targets) {
      await createTopic(testBrokers(), target, 1);
      jobs.push(await newJob({ name: `fwd-${codec}`, topics: [source], processorConfig: { topic: target, compression: codec } }));
    }
    for (const job of jobs) await waitFor(() => caughtUp(db, host.log, job.id, [source]), `${job.name} to catch up`, 30_000);

    const logDir = await brokerLogDir();
    for (const [codec, target] of targets) {
      const forwarded = await readWithKcat(target);
      expect(forwarded.map((r) => r.source)).toEqual(lines.map((_, i) => `${source}/0/${i}`));
      // The codec as the broker stored it: the attributes of every record batch in the segment files.
      const dir = path.join(logDir, `${target}-0`);
      const batches = fs
        .readdirSync(dir)
        .filter((file) => file.endsWith(".log"))
        .flatMap((file) => listRecordBatches(fs.readFileSync(path.join(dir, file))) ?? []);
      expect(batches.reduce((sum, b) => sum + b.count, 0)).toBe(50);
      expect(new Set(batches.map((b) => SINK_COMPRESSIONS[b.attributes & 0x07])), codec).toEqual(new Set([codec]));
    }
  });

  it("a record larger than the target's max.message.bytes goes through onError: skip dead-letters it, fail names it; compressed it may fit", async () => {
    const source = uniqueTopicName("fwd-large-src");
    await createTopic(testBrokers(), source, 1, [{ name: "max.message.bytes", value: "1048576" }]);
    const lines = Array.from({ length: 40 }, (_, i) => `k:${i === 17 ? `big-${"x".repeat(50_000)}` : `small-${i}`}`);
    await produceWithKcat(testBrokers(), source, lines, { partition: 0 });
    const [skipTarget, failTarget] = [uniqueTopicName("fwd-large-skip"), uniqueTopicName("fwd-large-fail")];
    for (const target of [skipTarget, failTarget]) await createTopic(testBrokers(), target, 1, [{ name: "max.message.bytes", value: "32768" }]);

    const skip = await newJob({ name: "fwd-large-skip", topics: [source], processorConfig: { topic: skipTarget }, onError: "skip" });
    const fail = await newJob({ name: "fwd-large-fail", topics: [source], processorConfig: { topic: failTarget }, onError: "fail", maxAttempts: 2 });

    await waitFor(() => caughtUp(db, host.log, skip.id, [source]), "the skipping job to catch up", 30_000);
    const letters = await listDeadLetters(db, skip.id, { limit: 10 });
    expect(letters.items).toHaveLength(1);
    expect(letters.items[0]).toMatchObject({ topic: source, partition: 0, offset: 17 });
    expect(letters.items[0].error).toMatch(/^MESSAGE_TOO_LARGE: record of \d+ bytes exceeds topic '.*' max\.message\.bytes 32768$/);
    const forwarded = await readWithKcat(skipTarget);
    expect(forwarded.map((r) => r.payload)).toEqual(lines.filter((_, i) => i !== 17).map((l) => l.slice(2)));

    await waitFor(async () => (await jobRow(db, fail.id)).status === "failed", "the failing job to fail", 30_000);
    const message = (await jobRow(db, fail.id)).statusMessage ?? "";
    expect(message).toContain(`${source}/0 offset 17`);
    expect(message).toContain(`MESSAGE_TOO_LARGE: record of`);
    expect(message).toContain(`exceeds topic '${failTarget}' max.message.bytes 32768`);
    expect(await readWithKcat(failTarget)).toEqual([]); // refused before the first send

    // With a codec the record fits once compressed (50 KB of one letter): it is forwarded.
    const gzipTarget = uniqueTopicName("fwd-large-gzip");
    await createTopic(testBrokers(), gzipTarget, 1, [{ name: "max.message.bytes", value: "32768" }]);
    const gzip = await newJob({ name: "fwd-large-gzip", topics: [source], processorConfig: { topic: gzipTarget, compression: "gzip" }, onError: "fail" });
    await waitFor(() => caughtUp(db, host.log, gzip.id, [source]), "the gzip job to catch up", 30_000);
    expect((await readWithKcat(gzipTarget)).map((r) => r.payload)).toEqual(lines.map((l) => l.slice(2)));
  });
});

/** Where the test broker keeps its partitions: the vitest broker's data dir, or the broker's own log.dirs. */
async function brokerLogDir(): Promise<string> {
  const dataDir = inject("kafkaDataDir");
  if (dataDir) return path.join(dataDir, "logs");
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: String(brokers[0].nodeId), configNames: ["log.dirs"] }], includeSynonyms: false });
    const dir = resources[0]?.configEntries[0]?.configValue.split(",")[0];
    if (!dir || !fs.existsSync(dir)) throw new Error(`the broker's log dir (${dir}) is not on this machine: run this test on a local broker`);
    return dir;
  } finally {
    await admin.disconnect();
  }
}
