/**
 * Kafka's own ConsumerGroupCommand (kafka-consumer-groups.sh) as an independent judge of Tidemark's
 * numbers, on the real broker: the job's mirror group `tidemark.<job>` must show the offsets Tidemark
 * stored, the log ends and the lag the partitions API reports, and Kafka's reset dry runs must land
 * where Tidemark's reset preview does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetRequestSchema, type ResetPlanDto } from "@/lib/contracts/resets";
import { mirrorGroupId } from "@/lib/domain/mirror-group";
import { createTopic, produceWithKcat, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { runKafkaTool } from "@/lib/testing/kafka-java-tools";
import { caughtUp } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { RuntimeHost } from "../runtime/runtime-host";
import { insertJob, setDesiredState } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { jobPartitions, requireJob } from "./jobs";
import { resetOffsets } from "./resets";

const CONSUMER_GROUP_COMMAND = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

/**
 * Records per partition before the job runs, and after it has stopped. Partition 2 is empty while the
 * job runs; partition 3 loses records the job has not read (retention), partition 0 only records it has.
 */
const BEFORE = [6, 3, 0, 4];
const AFTER = [4, 0, 5, 3];
const DELETE_BEFORE = new Map([[0, 2], [3, 6]]);

type Row = Record<string, string>;

/** ConsumerGroupCommand's table (header line, then one row per partition) as rows keyed by column name. */
function parseTable(output: string, requiredColumn: string): Row[] {
  const lines = output.split("\n").map((l) => l.trim()).filter(Boolean);
  const headerAt = lines.findIndex((l) => l.split(/\s+/).includes(requiredColumn));
  if (headerAt < 0) throw new Error(`no ${requiredColumn} column in ConsumerGroupCommand's output:\n${output}`);
  const header = lines[headerAt].split(/\s+/);
  // No cell holds a space (names, offsets, '-'), so whitespace splits columns; a row of another shape is not ours.
  return lines.slice(headerAt + 1).map((l) => l.split(/\s+/)).filter((cells) => cells.length === header.length)
    .map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

/** One column per partition of the topic, as numbers ('-' when Kafka shows none). */
function byPartition(rows: Row[], topic: string, column: string): Map<number, number | "-"> {
  return new Map(rows.filter((r) => r.TOPIC === topic).map((r) => [Number(r.PARTITION), r[column] === "-" ? "-" : Number(r[column])]));
}

/** The same instant written with a UTC offset other than Z, so both sides' parsers read the zone. */
function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("ConsumerGroupCommand agrees with Tidemark", () => {
  const database = createTempDatabase();
  const db = database.client();
  const topic = uniqueTopicName("oracle");
  const jobName = topic;
  const group = mirrorGroupId(jobName);
  const log = new KafkajsLog(createKafka(testBrokers(), "oracle-int-test"));
  let jobId: string;
  /** Between the records produced before the job ran and those produced after. */
  let boundaryMs: number;

  const tool = (args: string[]) => runKafkaTool(testBrokers(), CONSUMER_GROUP_COMMAND, ["--group", group, ...args]);
  const kafkaDryRun = async (strategy: string[]) =>
    byPartition(parseTable(await tool(["--reset-offsets", "--dry-run", "--topic", topic, ...strategy]), "NEW-OFFSET"), topic, "NEW-OFFSET");
  const tidemarkPreview = async (body: Record<string, unknown>) => {
    const plan = (await resetOffsets({ db, log, actor: "user:oracle" }, jobId, resetRequestSchema.parse({ ...body, dryRun: true }))) as ResetPlanDto;
    return new Map(plan.partitions.map((p) => [p.partition, p.targetOffset]));
  };
  const produce = async (counts: number[], phase: string) => {
    for (const [partition, n] of counts.entries()) {
      if (n > 0) await produceWithKcat(testBrokers(), topic, Array.from({ length: n }, (_, i) => `k${i}:${phase}-${partition}-${i}`), { partition });
    }
  };

  beforeAll(async () => {
    await createTopic(testBrokers(), topic, BEFORE.length);
    await produce(BEFORE, "before");
    // kcat cannot set a record's timestamp: the producer's clock stamps it, so a pause marks the boundary.
    await sleep(50);
    boundaryMs = Date.now();
    await sleep(50);
    jobId = (await insertJob(db, { name: jobName, topics: [topic], processor: "count-by-key", batchIntervalMs: 100, startingOffsets: "earliest", mirrorOffsetsToKafka: true })).id;

    const admin = testKafka().admin();
    await admin.connect();
    try {
      // A fresh broker's group coordinator first answers "loading", and the mirror, best effort, would skip that commit.
      await waitFor(async () => (await admin.fetchOffsets({ groupId: group, topics: [topic] })).length === 1, "the group coordinator", 30_000, 200);
      await setDesiredState(db, jobId, "running");
      const host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "oracle-int-runtime", reconcileIntervalMs: 100 });
      await host.start();
      try {
        await waitFor(() => caughtUp(db, log, jobId, [topic]), "the job to read every record", 30_000, 100);
      } finally {
        await setDesiredState(db, jobId, "stopped");
        await host.stop(); // flushes the mirror
      }
      await sleep(50);
      await produce(AFTER, "after");
      await admin.deleteTopicRecords({ topic, partitions: [...DELETE_BEFORE].map(([partition, offset]) => ({ partition, offset: String(offset) })) });
    } finally {
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    await log.close();
    await db.$disconnect();
    database.remove();
  });

  it("--describe: the mirror group holds Tidemark's offsets; log ends and lag match the partitions API", async () => {
    const rows = parseTable(await tool(["--describe"]), "CURRENT-OFFSET");
    const stored = new Map((await readOffsets(db, jobId)).map((o) => [o.partition, o.offset]));
    const api = await jobPartitions({ db, log }, await requireJob(db, jobId));
    const kafka = { current: byPartition(rows, topic, "CURRENT-OFFSET"), end: byPartition(rows, topic, "LOG-END-OFFSET"), lag: byPartition(rows, topic, "LAG") };

    expect(stored).toEqual(new Map(BEFORE.map((n, p) => [p, n])));
    expect(kafka.current).toEqual(stored);
    expect(kafka.end).toEqual(new Map(api.map((p) => [p.partition, p.logEndOffset])));
    expect(kafka.end).toEqual(new Map(BEFORE.map((n, p) => [p, n + AFTER[p]])));
    // Kafka's LAG counts offsets (log end − committed); Tidemark counts records still there to read, from
    // where the job reads next: the two differ only where retention deleted records the job has not read.
    const tidemarkLag = new Map(api.map((p) => [p.partition, p.lag]));
    for (const p of api) {
      const deletedUnread = Math.max(0, p.logStartOffset - (p.committedOffset ?? 0));
      expect(kafka.lag.get(p.partition), `partition ${p.partition}`).toBe(p.lag + deletedUnread);
    }
    expect(tidemarkLag).toEqual(new Map([[0, 4], [1, 0], [2, 5], [3, 1]]));
  });

  it("--reset-offsets --dry-run lands where Tidemark's reset preview does", async () => {
    const strategies: [string, string[], Record<string, unknown>][] = [
      ["to the boundary time", ["--to-datetime", new Date(boundaryMs).toISOString()], { mode: "to-datetime", value: new Date(boundaryMs).toISOString() }],
      ["to a time before every record", ["--to-datetime", isoWithOffset(boundaryMs - 3_600_000, 330)], { mode: "to-datetime", value: isoWithOffset(boundaryMs - 3_600_000, 330) }],
      ["shift back past the log start", ["--shift-by", "-5"], { mode: "shift-by", value: -5 }],
      ["shift forward past the log end", ["--shift-by", "3"], { mode: "shift-by", value: 3 }],
      ["to the log start", ["--to-earliest"], { mode: "to-earliest" }],
    ];
    const results = await Promise.all(strategies.map(async ([name, args, body]) => ({ name, kafka: await kafkaDryRun(args), tidemark: await tidemarkPreview(body) })));
    for (const { name, kafka, tidemark } of results) expect(tidemark, name).toEqual(kafka);
    // Kafka agrees with itself on these too; pinned so a change on both sides is noticed.
    expect(results.map((r) => [...r.kafka].sort(([a], [b]) => a - b).map(([, offset]) => offset))).toEqual([
      [6, 3, 0, 6],
      [2, 0, 0, 6],
      [2, 0, 0, 6],
      [9, 3, 3, 7],
      [2, 0, 0, 6],
    ]);
  });

  it("shift-by differs only where retention deleted records the job has not read, as documented", async () => {
    const [kafka, tidemark] = await Promise.all([kafkaDryRun(["--shift-by", "1"]), tidemarkPreview({ mode: "shift-by", value: 1 })]);
    // Partition 3 (stored 4, log start 6): Kafka shifts the committed offset, then clamps (4 + 1 → 6);
    // Tidemark shifts from where the job reads next (6 + 1 → 7), README: "N records from where the job would read next".
    expect(kafka).toEqual(new Map([[0, 7], [1, 3], [2, 1], [3, 6]]));
    expect(tidemark).toEqual(new Map([...kafka, [3, 7]]));
  });
});
