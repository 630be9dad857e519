import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { KafkaLog } from "@/lib/domain/ports";
import type { KafkaRecord } from "@/lib/domain/types";
import { storedRecordsOfJob } from "@/lib/testing/stored-records";
import { tempDatabaseForTests, testingOnPostgres } from "@/lib/testing/temp-db";
import { sqliteConnection } from "../db/client";
import { insertPlannedBatch } from "../stores/batch-store";
import { insertJob } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { listStoredRecords } from "../stores/record-store";
import { removeJob, updateJob } from "../services/jobs";
import { storeRecords } from "./store-records";

const DAY = 86_400_000;
// The job services below only ask Kafka for lag, which they answer as unknown when it fails.
const noKafka = { logOffsets: () => Promise.reject(new Error("no Kafka in this test")) } as unknown as KafkaLog;

function records(partition: number, from: number, until: number, topic = "orders"): KafkaRecord[] {
  return Array.from({ length: until - from }, (_, i) => {
    const offset = from + i;
    return {
      topic,
      partition,
      offset,
      timestamp: 1_764_000_000_000 + offset,
      key: offset % 5 === 0 ? null : Buffer.from([0xff, 0x00, offset % 256]),
      value: offset % 7 === 0 ? null : Buffer.from(`{"n":${offset}}`),
      headers: offset % 3 === 0 ? { trace: `t-${offset}`, raw: Buffer.from("é") } : {},
    };
  });
}

async function store(db: Db, jobId: string, batch: { records: KafkaRecord[]; batchTime?: Date; raw: boolean; retentionMs?: number; fold?: boolean }): Promise<number> {
  const batchId = await insertPlannedBatch(db, jobId, batch.batchTime ?? new Date(), []);
  const base = {
    jobId,
    batchId,
    config: { retentionMs: batch.retentionMs ?? 7 * DAY },
    sink: { send: () => Promise.reject(new Error("unused")) },
    sqlite: batch.raw ? (sqliteConnection(db) ?? undefined) : undefined,
  };
  if (batch.fold) {
    // As the runtime does: chunks in as they are read, one commit.
    const fold = storeRecords.fold!(base);
    for (let i = 0; i < batch.records.length; i += 17) fold.add(batch.records.slice(i, i + 17));
    await db.$transaction((tx) => fold.commit(tx));
  } else {
    await db.$transaction((tx) => storeRecords.process({ ...base, records: batch.records }, tx));
  }
  return batchId;
}

const readAll = async (db: Db, jobId: string) =>
  (await storedRecordsOfJob(db, jobId)).map((r) => ({
    at: `${r.topic}/${r.partition}@${r.offset}`,
    timestamp: Number(r.timestamp),
    key: r.key && Buffer.from(r.key).toString("hex"),
    value: r.value && Buffer.from(r.value).toString("hex"),
    headers: r.headers,
  }));

/** The job's stream ids: what its records are keyed by, and what would be left behind without their deletion. */
const streamIdsOf = async (db: Db, jobId: string) => (await db.storedRecordStream.findMany({ where: { jobId } })).map((s) => s.id);
const rowsOfStreams = (db: Db, streamIds: number[]) => db.storedRecord.count({ where: { streamId: { in: streamIds } } });

describe("store-records", () => {
  const db = tempDatabaseForTests();
  const newJob = (name: string) => insertJob(db, { name, topics: ["orders"], processor: "store-records", batchIntervalMs: 100, maxRecordsPerPartition: 100, startingOffsets: "earliest" });

  it("stores the same rows through the raw connection, through Prisma alone, and folded chunk by chunk; storing a range again replaces it", async () => {
    await db.$queryRawUnsafe("SELECT 1"); // connects, so the raw connection exists
    expect(sqliteConnection(db) === null).toBe(testingOnPostgres); // PostgreSQL has its own bulk path
    const batch = [...records(0, 0, 150), ...records(1, 10, 75), ...records(0, 0, 3, "refunds")];
    const viaRaw = await newJob("raw");
    const viaPrisma = await newJob("prisma");
    await store(db, viaRaw.id, { records: batch, raw: true });
    await store(db, viaPrisma.id, { records: batch, raw: false });
    const raw = await readAll(db, viaRaw.id);
    expect(raw).toHaveLength(150 + 65 + 3);
    expect(raw).toEqual(await readAll(db, viaPrisma.id));
    const viaFold = await newJob("fold");
    await store(db, viaFold.id, { records: batch, raw: true, fold: true });
    expect(await readAll(db, viaFold.id)).toEqual(raw);
    const third = raw.find((r) => r.at === "orders/0@3")!;
    expect(third).toEqual({ at: "orders/0@3", timestamp: 1_764_000_000_003, key: "ff0003", value: Buffer.from('{"n":3}').toString("hex"), headers: JSON.stringify({ trace: "t-3", raw: "é" }) });
    expect(raw.find((r) => r.at === "orders/0@35")).toMatchObject({ key: null, value: null, headers: null });

    await store(db, viaRaw.id, { records: records(0, 100, 150), raw: true });
    expect(await readAll(db, viaRaw.id)).toEqual(raw);
  });

  it("keeps every byte and field: NUL and all 256 byte values, empty vs null keys, big values, awkward headers, negative timestamps, 2^40 offsets; storing again replaces exactly those offsets", async () => {
    const big = crypto.randomBytes(3 * 1024 * 1024 + 7); // bigger than one COPY chunk
    const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const awkward = { "tab\there": "line\nbreak\r \\ \"q\" \u0000 nul é 😀", empty: "", bin: Buffer.from([0xe2, 0x82, 0xac]) };
    const record = (partition: number, offset: number, i: number): KafkaRecord => ({
      topic: "orders",
      partition,
      offset,
      timestamp: i % 13 === 0 ? -1 : 1_764_000_000_000 + i,
      key: [null, Buffer.alloc(0), allBytes.subarray(i % 256), Buffer.from([0, 0, i % 256, 0])][i % 4],
      value: i === 5000 ? big : [Buffer.from(`\0v\0${i}\0`), Buffer.alloc(0), null, allBytes][i % 4 === 0 ? 3 : (i + 1) % 3],
      headers: i % 5 === 0 ? awkward : i % 5 === 1 ? { only: undefined } : {},
    });
    // More rows than one encoding slice, in two partitions, the second at offsets past 2^32.
    const batch = [...Array.from({ length: 9000 }, (_, i) => record(0, i, i)), ...Array.from({ length: 50 }, (_, i) => record(1, 2 ** 40 + i, i))];
    const expected = (records: KafkaRecord[]) =>
      records.map((r) => ({
        at: `${r.topic}/${r.partition}@${r.offset}`,
        timestamp: r.timestamp,
        key: r.key && r.key.toString("hex"),
        value: r.value && r.value.toString("hex"),
        headers: headersJsonOf(r.headers),
      }));
    for (const raw of [true, false]) {
      const job = await newJob(`bytes-${raw}`);
      await store(db, job.id, { records: batch, raw, fold: raw });
      const stored = await readAll(db, job.id);
      expect(stored).toHaveLength(batch.length);
      expect(stored).toEqual(expected(batch));

      // Offsets 100..199 of partition 0 read again with other contents: those rows are replaced, no other.
      const again = Array.from({ length: 100 }, (_, i) => ({ ...record(0, 100 + i, i + 1), value: Buffer.from(`again ${i}`) }));
      const batchId = await store(db, job.id, { records: again, raw });
      const after = await readAll(db, job.id);
      expect(after).toEqual(expected([...batch.slice(0, 100), ...again, ...batch.slice(200)]));
      expect(await db.storedRecord.count({ where: { streamId: { in: await streamIdsOf(db, job.id) }, batchId } })).toBe(100);
    }
  });

  it("lists newest offsets first, partition after partition, in pages that join up exactly", async () => {
    const job = await newJob("pages");
    await store(db, job.id, { records: [...records(0, 0, 30), ...records(1, 0, 30), ...records(2, 0, 5)], raw: true });
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 20; page++) {
      const { items, next } = await listStoredRecords(db, job.id, { limit: 7, before });
      seen.push(...items.map((r) => `${r.partition}@${r.offset}`));
      if (!next) break;
      before = next;
    }
    const expected = [2, 1, 0].flatMap((p) => Array.from({ length: p === 2 ? 5 : 30 }, (_, i) => `${p}@${(p === 2 ? 4 : 29) - i}`));
    expect(seen).toEqual(expected);
    const one = await listStoredRecords(db, job.id, { limit: 3, partition: 1 });
    expect(one.items.map((r) => r.offset)).toEqual([29, 28, 27]);
    expect(one.next).toBe("orders:1:27");
  });

  it("deletes what batches older than the retention stored, but keeps rows a newer batch stored again", async () => {
    const job = await newJob("retention");
    const old = new Date(Date.now() - 3 * DAY);
    await store(db, job.id, { records: [...records(0, 0, 100), ...records(1, 0, 100)], batchTime: old, raw: true });
    // A replay re-stored offsets 40..60 of partition 0 recently.
    await store(db, job.id, { records: records(0, 40, 60), raw: true, retentionMs: 7 * DAY });
    expect(await readAll(db, job.id)).toHaveLength(200);
    // The next batch with a 1-day retention: partition 0 keeps 40.. (the re-stored rows and what follows), partition 1 is emptied.
    await store(db, job.id, { records: records(0, 100, 110), raw: true, retentionMs: DAY });
    const left = (await readAll(db, job.id)).map((r) => r.at);
    expect(left).toEqual(Array.from({ length: 70 }, (_, i) => `orders/0@${40 + i}`));
  });

  it("rollback deletes each partition's rows from where it rewinds to, and no partition it does not rewind; clear deletes everything", async () => {
    const job = await newJob("rollback");
    await store(db, job.id, { records: [...records(0, 0, 20), ...records(1, 0, 20), ...records(2, 0, 10)], raw: true });
    const from = await db.batch.create({ data: { jobId: job.id, batchTime: new Date(), status: "succeeded" } });
    // Partition 2: no rolled-back batch read it, so it is not rewound and keeps every row.
    const rewind = [
      { topic: "orders", partition: 0, offset: 12 },
      { topic: "orders", partition: 1, offset: 5 },
    ];
    await db.$transaction((tx) => storeRecords.rollback!(job.id, from.id, tx, rewind));
    const left = (await readAll(db, job.id)).map((r) => r.at);
    expect(left).toEqual([
      ...Array.from({ length: 12 }, (_, i) => `orders/0@${i}`),
      ...Array.from({ length: 5 }, (_, i) => `orders/1@${i}`),
      ...Array.from({ length: 10 }, (_, i) => `orders/2@${i}`),
    ]);
    await db.$transaction((tx) => storeRecords.clear!(job.id, tx));
    expect(await readAll(db, job.id)).toEqual([]);
  });

  // No foreign key takes a stream's records with it: these count the rows of the streams as they were.
  describe("deleting what a job stored", () => {
    const deps = { db, log: noKafka, actor: "test" };
    const storeSome = async (name: string) => {
      const job = await newJob(name);
      await store(db, job.id, { records: [...records(0, 0, 20), ...records(1, 0, 20)], raw: true });
      await store(db, job.id, { records: records(0, 20, 30), raw: false });
      const streams = await streamIdsOf(db, job.id);
      expect(await rowsOfStreams(db, streams)).toBe(50);
      return { job, streams };
    };

    it("clear deletes the rows of every stream of the job, and no other job's", async () => {
      const cleared = await storeSome("clear-all");
      const other = await storeSome("clear-other");
      await db.$transaction((tx) => storeRecords.clear!(cleared.job.id, tx));
      expect(await rowsOfStreams(db, cleared.streams)).toBe(0);
      expect(await streamIdsOf(db, cleared.job.id)).toEqual([]);
      expect(await rowsOfStreams(db, other.streams)).toBe(50);
    });

    it("deleting a job deletes its rows, also when it runs another processor now; no other job's", async () => {
      const kept = await storeSome("delete-kept");
      const deleted = await storeSome("delete-store-records");
      const switched = await storeSome("delete-switched");
      await updateJob(deps, switched.job.id, { processor: "count-by-key" });
      await removeJob(deps, deleted.job.id);
      await removeJob(deps, switched.job.id);
      expect(await rowsOfStreams(db, deleted.streams)).toBe(0);
      expect(await rowsOfStreams(db, switched.streams)).toBe(0);
      expect(await db.storedRecordStream.count({ where: { id: { in: [...deleted.streams, ...switched.streams] } } })).toBe(0);
      expect(await rowsOfStreams(db, kept.streams)).toBe(50);
    });
  });
});

/** Headers as store-records keeps them: a JSON object of name to UTF-8 string, null when there are none. */
function headersJsonOf(headers: KafkaRecord["headers"]): string | null {
  const entries = Object.entries(headers).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? null : JSON.stringify(Object.fromEntries(entries.map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString("utf8") : v])));
}
