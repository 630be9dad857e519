/**
 * onError "skip" in one pass: 100,000 records of which 10% are poison, through count-by-key's and
 * store-records' own folds, commit in one transaction per batch with every dead letter in it. Counted
 * against kcat. Each batch re-running once per poison record (10,000 transactions) fails it early.
 */
import { spawnSync } from "node:child_process";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "@/lib/domain/ports";
import type { KafkaRecord } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, uniqueTopicName } from "@/lib/testing/kafka";
import { caughtUp, readCounts } from "@/lib/testing/runtime-helpers";
import { storedRecordsOfJob } from "@/lib/testing/stored-records";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { PrismaClient } from "../db/client";
import { serializedAdapterFactory } from "../db/serialized-adapter";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { countByKey } from "../processors/count-by-key";
import { eachRecord, jsonValue, type Processor } from "../processors/processor";
import { registerProcessor } from "../processors/registry";
import { storeRecords } from "../processors/store-records";
import { listBatches } from "../stores/batch-store";
import { insertJob, setDesiredState } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { JobCoordinator } from "./job-coordinator";
import { StaticOwnership } from "./static-ownership";

const RECORDS = 100_000;
const isPoison = (i: number) => i % 10 === 7;

/**
 * A built-in processor behind a check that refuses values that are not JSON: bad records go to
 * batch.skip (under onError "skip"), good ones into the processor's own fold or process.
 */
function rejectingNonJson<Config>(inner: Processor<Config>): Processor<Config> {
  const good = (records: KafkaRecord[], skip: Parameters<typeof eachRecord>[2]) => {
    const out: KafkaRecord[] = [];
    eachRecord(records, (record) => void (jsonValue(record), out.push(record)), skip);
    return out;
  };
  return {
    ...inner,
    name: `test.json-${inner.name}`,
    process: (batch, tx) => inner.process({ ...batch, records: good(batch.records, batch.skip) }, tx),
    fold(batch) {
      const fold = inner.fold!(batch);
      return { add: (records) => fold.add(good(records, batch.skip)), commit: (tx) => fold.commit(tx) };
    },
  };
}
registerProcessor(rejectingNonJson(countByKey));
registerProcessor(rejectingNonJson(storeRecords));

/** The topic as kcat reads it: partition, offset, key and value of every record. */
function kcatRecords(topic: string): { partition: number; offset: number; key: string; value: string }[] {
  const out = spawnSync("kcat", ["-C", "-b", testBrokers().join(","), "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%p %o %k %s\\n"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`kcat failed: ${out.stderr}`);
  return out.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [partition, offset, key, value] = line.split(" ");
      return { partition: Number(partition), offset: Number(offset), key, value };
    });
}

/** Each transaction's statements (BEGIN … COMMIT/ROLLBACK), and how it ended. */
function transactions(statements: string[]): { sql: string[]; end: string }[] {
  const out: { sql: string[]; end: string }[] = [];
  let open: string[] | null = null;
  for (const sql of statements) {
    if (/^BEGIN\b/i.test(sql)) open = [];
    else if (/^(COMMIT|ROLLBACK)\b/i.test(sql)) {
      if (open) out.push({ sql: open, end: sql.split(" ")[0].toUpperCase() });
      open = null;
    } else open?.push(sql);
  }
  return out;
}

describe("dead letters in one pass, on a real broker", () => {
  const database = createTempDatabase();
  const statements: string[] = [];
  // Our own client, whose better-sqlite3 connection reports every statement it runs.
  const db = new PrismaClient({
    adapter: serializedAdapterFactory(new PrismaBetterSqlite3({ url: database.url, timeout: 10_000, verbose: (sql: unknown) => statements.push(String(sql)) }), () => {}),
  }) as Db;
  const log = new KafkajsLog(createKafka(testBrokers(), "dead-letters-int-test"));
  const coordinator = new JobCoordinator({ db, log, clock: systemClock, ownershipFor: (job) => new StaticOwnership(log, job.topics), reconcileIntervalMs: 100 });
  const topic = uniqueTopicName("poison");
  let records: ReturnType<typeof kcatRecords>;

  beforeAll(async () => {
    await createTopic(testBrokers(), topic, 4);
    const lines = Array.from({ length: RECORDS }, (_, i) => `key-${i % 50}:${isPoison(i) ? `poison-${i}` : `{"n":${i}}`}`);
    await produceWithKcat(testBrokers(), topic, lines);
    records = kcatRecords(topic);
    expect(records).toHaveLength(RECORDS);
    await coordinator.start();
  });

  afterAll(async () => {
    await coordinator.stop();
    await log.close();
    await db.$disconnect();
    database.remove();
  });

  it.each(["count-by-key", "store-records"])("%s: exact results of the good records, 10,000 dead letters at their offsets, one transaction per batch", async (name) => {
    const job = await insertJob(db, { name: `skip-${name}`, topics: [topic], processor: `test.json-${name}`, batchIntervalMs: 100, startingOffsets: "earliest", onError: "skip" });
    const from = statements.length;
    await setDesiredState(db, job.id, "running");
    // Until lag 0. A batch re-run per poison record shows as many more commit attempts than batches:
    // checked on a timer, since such re-runs leave the database little time for the lag check.
    const attempts = () => transactions(statements.slice(from)).filter((t) => t.sql.some((sql) => /^UPDATE .*Batch. SET .status. = 'running'/.test(sql))).length;
    const deadline = Date.now() + 60_000;
    try {
      await new Promise<void>((resolve, reject) => {
        let checking = false;
        const timer = setInterval(() => {
          const fail = (message: string) => (clearInterval(timer), reject(new Error(message)));
          if (attempts() >= 50) return fail(`${attempts()} batch commit attempts so far: batches re-run per poison record`);
          if (Date.now() > deadline) return fail("timed out waiting for lag 0");
          if (checking) return;
          checking = true;
          caughtUp(db, log, job.id, [topic]).then(
            (done) => ((checking = false), done && (clearInterval(timer), resolve())),
            (error: unknown) => fail(String(error)),
          );
        }, 100);
      });
    } finally {
      await setDesiredState(db, job.id, "stopped");
    }

    const poison = records.filter((r) => r.value.startsWith("poison-"));
    const good = records.filter((r) => !r.value.startsWith("poison-"));
    expect(poison).toHaveLength(RECORDS / 10);
    const letters = await db.deadLetter.findMany({ where: { jobId: job.id } });
    const at = (r: { partition: number; offset: number | bigint }) => `${r.partition}/${r.offset}`;
    expect(letters.map(at).sort()).toEqual(poison.map(at).sort());
    expect(letters.every((l) => l.error.startsWith("value is not JSON"))).toBe(true);

    if (name === "count-by-key") {
      const expected = new Map<string, number>();
      for (const r of good) expected.set(r.key, (expected.get(r.key) ?? 0) + 1);
      expect(await readCounts(db, job.id)).toEqual(expected);
    } else {
      const stored = await storedRecordsOfJob(db, job.id);
      expect(stored.map((s) => at({ partition: s.partition, offset: s.offset })).sort()).toEqual(good.map(at).sort());
    }

    const batches = (await listBatches(db, job.id, { limit: 1_000 })).filter((b) => b.records > 0);
    expect(batches.every((b) => b.status === "succeeded" && b.attempts === 1)).toBe(true);
    expect(batches.reduce((sum, b) => sum + b.records, 0)).toBe(RECORDS);
    expect(new Set(letters.map((l) => l.batchId))).toEqual(new Set(batches.map((b) => b.id)));
    // One commit transaction per batch, none rolled back; dead letters in a few multi-row statements.
    const commits = transactions(statements.slice(from)).filter((t) => t.sql.some((sql) => sql.includes(`INTO "DeadLetter"`)));
    expect(commits).toHaveLength(batches.length);
    expect(commits.every((t) => t.end === "COMMIT")).toBe(true);
    expect(attempts()).toBe(batches.length);
    const letterStatements = commits.flatMap((t) => t.sql).filter((sql) => sql.includes(`INTO "DeadLetter"`)).length;
    expect(letterStatements).toBeLessThanOrEqual(Math.ceil(RECORDS / 10 / 500) + batches.length);
  });
});
