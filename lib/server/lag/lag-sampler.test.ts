/**
 * The lag sampler on a real SQLite file with a scripted lag source: samples, Burrow evaluation, roll-ups,
 * pruning and restarts. Over 300 lines on purpose: each case drives the same sampler and clock fixture.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { maxRowsPerSeries, rollupTiers } from "@/lib/domain/lag-retention";
import type { ConsumerGroupInfo, GroupCommittedOffset, LagSource, RecordPosition } from "@/lib/domain/lag-source";
import { positionKey } from "@/lib/domain/lag-source";
import type { Clock } from "@/lib/domain/ports";
import type { PartitionLogOffsets } from "@/lib/domain/types";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { insertJob } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { LagSampler } from "./lag-sampler";
import { countSamples, readEvaluations, readLatestTick, readPartitionSeries, readRawSamples, readSeries, TOTAL_PARTITION, TOTAL_TOPIC, type LagRow } from "./lag-store";
import { rollupAndPrune } from "./lag-rollup";
import { dialectSql } from "../db/sql-dialect";

/** An injected clock: time moves only when the test says so. */
class FakeClock implements Clock {
  constructor(public t: number) {}
  now() {
    return this.t;
  }
  async sleep() {}
}

/** A cluster in memory: log ends grow by `rate` records per second; a record's timestamp is when it was appended. */
class FakeCluster implements LagSource {
  logOffsetCalls: string[][] = [];
  timestampLookups = 0;
  groupList: ConsumerGroupInfo[] = [];
  committed = new Map<string, GroupCommittedOffset[]>();
  constructor(
    private readonly clock: FakeClock,
    readonly topics: Record<string, { partitions: number; rate: number; start: number }>,
  ) {}
  end(topic: string, at = this.clock.t) {
    const t = this.topics[topic];
    return Math.max(0, Math.floor(((at - t.start) / 1000) * t.rate));
  }
  async logOffsets(topics: string[]): Promise<PartitionLogOffsets[]> {
    this.logOffsetCalls.push(topics);
    return topics.flatMap((topic) =>
      Array.from({ length: this.topics[topic].partitions }, (_, partition) => ({ topic, partition, logStartOffset: 0, logEndOffset: this.end(topic) })),
    );
  }
  async groups() {
    return this.groupList;
  }
  async describeGroups(ids: string[]) {
    return this.groupList.filter((g) => ids.includes(g.groupId));
  }
  async groupOffsets(groupId: string) {
    return this.committed.get(groupId) ?? [];
  }
  async recordTimestamps(positions: RecordPosition[]) {
    this.timestampLookups += positions.length;
    // offset n of a partition was appended at start + n / rate seconds
    return new Map(positions.map((p) => [positionKey(p), this.topics[p.topic].start + Math.ceil((p.offset / this.topics[p.topic].rate) * 1000)]));
  }
  async offsetsForTime() {
    return [];
  }
  async topicNames() {
    return Object.keys(this.topics);
  }
  async brokers() {
    return [{ nodeId: 1, host: "fake", port: 1 }];
  }
  async close() {}
}

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 0, 5);

describe("lag sampler (fake cluster, injected clock, real SQLite)", () => {
  let database: ReturnType<typeof createTempDatabase>;
  let db: Db;
  beforeEach(() => {
    database = createTempDatabase();
  });
  afterEach(async () => {
    await db?.$disconnect();
    database.remove();
  });

  it("samples lag and time lag exactly, one ListOffsets round per tick for all topics", async () => {
    db = database.client();
    const clock = new FakeClock(T0);
    const cluster = new FakeCluster(clock, { orders: { partitions: 2, rate: 10, start: T0 - 100_000 }, audit: { partitions: 1, rate: 1, start: T0 - 100_000 } });
    const job = await insertJob(db, { name: "exact", topics: ["orders"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest", maxRecordsPerPartition: null } as never);
    await db.jobOffset.createMany({ data: [{ jobId: job.id, topic: "orders", partition: 0, offset: 400n }, { jobId: job.id, topic: "orders", partition: 1, offset: 1000n }] });
    cluster.groupList = [{ groupId: "billing", state: "Stable", protocolType: "consumer", members: [{ memberId: "m1", clientId: "c1", host: "/10.0.0.1", assignment: [] }] }];
    cluster.committed.set("billing", [{ topic: "orders", partition: 0, offset: 990 }, { topic: "audit", partition: 0, offset: 50 }]);

    const sampler = new LagSampler({ db, source: cluster, clock, intervalMs: 5000, retentionMs: 7 * D });
    const stats = await sampler.tick();
    expect(stats).toMatchObject({ jobs: 1, groups: 1 });
    expect(cluster.logOffsetCalls).toEqual([["audit", "orders"]]);

    const rows = await readLatestTick(db, "job", job.id);
    const p0 = rows.find((r) => r.partition === 0)!;
    // log end 1000 (100 s × 10/s); committed 400 → lag 600; the record at 400 was appended 40 s after start → 60 s old
    expect(p0).toMatchObject({ committedOffset: 400, logEndOffset: 1000, lag: 600, timeLagMs: 60_000 });
    expect(rows.find((r) => r.partition === 1)).toMatchObject({ lag: 0, timeLagMs: 0 });
    expect(rows.find((r) => r.partition === TOTAL_PARTITION)).toMatchObject({ lag: 600, timeLagMs: 60_000, logEndOffset: 2000 });
    const group = await readLatestTick(db, "group", "billing");
    expect(group.find((r) => r.topic === "audit")).toMatchObject({ lag: 50, timeLagMs: 50_000 });
    expect(group.find((r) => r.partition === TOTAL_PARTITION)).toMatchObject({ lag: 60 });

    // Ten seconds later nothing consumed: the lag grows by the produced records, the time lag by ten seconds.
    clock.t += 10_000;
    const lookupsBefore = cluster.timestampLookups;
    await sampler.tick();
    expect(cluster.logOffsetCalls).toHaveLength(2);
    // Only partition 1, lagging now, needs a timestamp: unchanged positions are cached.
    expect(cluster.timestampLookups - lookupsBefore).toBe(1);
    const later = await readLatestTick(db, "job", job.id);
    expect(later.find((r) => r.partition === 0)).toMatchObject({ lag: 700, timeLagMs: 70_000 });
    expect(later.find((r) => r.partition === 1)).toMatchObject({ lag: 100, timeLagMs: 10_000 });
  });

  it("calls onSampled after each tick that wrote its samples, not after a failed one (alerting evaluates then)", async () => {
    db = database.client();
    const fake = new FakeClock(T0);
    const cluster = new FakeCluster(fake, { orders: { partitions: 1, rate: 1, start: T0 } });
    await insertJob(db, { name: "woken", topics: ["orders"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest" });
    let failing = false;
    const logOffsets = cluster.logOffsets.bind(cluster);
    cluster.logOffsets = async (topics) => {
      if (failing) throw new Error("broker down");
      return logOffsets(topics);
    };
    const seen: number[] = [];
    let ticks = 0;
    const clock: Clock = {
      now: () => fake.t,
      sleep: async (_ms, signal) => {
        ticks++;
        fake.t += 1000;
        failing = ticks >= 2;
        if (ticks >= 3) await new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
      },
    };
    const sampler = new LagSampler({ db, source: cluster, clock, intervalMs: 1000, retentionMs: 7 * D, groups: false, log: () => {}, onSampled: () => void seen.push(fake.t) });
    await sampler.start();
    while (ticks < 3) await new Promise((r) => setTimeout(r, 10));
    await sampler.stop();
    // Ticks at T0 and T0 + 1 s wrote samples; the one at T0 + 2 s failed.
    expect(seen).toEqual([T0, T0 + 1000]);
    expect((await readLatestTick(db, "job")).length).toBeGreaterThan(0);
  });

  it("evaluates a group with members that does not move as STALL, and as STOP once it has no members", async () => {
    db = database.client();
    const clock = new FakeClock(T0 + D);
    const cluster = new FakeCluster(clock, { payments: { partitions: 1, rate: 5, start: T0 } });
    cluster.groupList = [{ groupId: "stuck", state: "Stable", protocolType: "consumer", members: [{ memberId: "m", clientId: "c", host: "h", assignment: [{ topic: "payments", partition: 0 }] }] }];
    cluster.committed.set("stuck", [{ topic: "payments", partition: 0, offset: 100 }]);
    const sampler = new LagSampler({ db, source: cluster, clock, intervalMs: 1000, retentionMs: 7 * D, windowSize: 5 });
    const status = async () => (await readEvaluations(db, "group", "stuck"))[0];

    for (let i = 0; i < 6; i++) {
      await sampler.tick();
      clock.t += 1000;
    }
    expect(await status()).toMatchObject({ status: "ERR", worst: "STALL", etaState: "never" });
    expect((await status()).partitions).toEqual([{ topic: "payments", partition: 0, status: "STALL", complete: 1 }]);

    cluster.groupList = [{ ...cluster.groupList[0], state: "Empty", members: [] }];
    await sampler.tick(); // the last commit is now; the window spans 4 s
    expect((await status()).worst).toBe("STALL");
    clock.t += 6000;
    await sampler.tick();
    expect(await status()).toMatchObject({ status: "ERR", worst: "STOP" });

    // The consumer comes back and reads everything: OK, caught up.
    cluster.groupList = [{ ...cluster.groupList[0], state: "Stable", members: [{ memberId: "m2", clientId: "c", host: "h", assignment: [] }] }];
    cluster.committed.set("stuck", [{ topic: "payments", partition: 0, offset: cluster.end("payments") }]);
    await sampler.tick();
    expect(await status()).toMatchObject({ status: "OK", worst: "OK", etaState: "caught-up", totalLag: 0 });
  });

  it("keeps the table bounded while sampling for a simulated week, and keeps a week of history", async () => {
    db = database.client();
    const intervalMs = 5 * 60_000;
    const clock = new FakeClock(T0 + 10 * D);
    const cluster = new FakeCluster(clock, { week: { partitions: 2, rate: 3, start: T0 } });
    const job = await insertJob(db, { name: "week", topics: ["week"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest", maxRecordsPerPartition: null } as never);
    const sampler = new LagSampler({ db, source: cluster, clock, intervalMs, retentionMs: 7 * D, groups: false });
    const before = await countSamples(db);
    // 2 partitions + the total per tick; the bound is what maxRowsPerSeries allows for those 3 series.
    const bound = 3 * maxRowsPerSeries(intervalMs, rollupTiers(7 * D, intervalMs));
    let max = 0;
    const start = clock.t;
    while (clock.t < start + 8 * D) {
      await sampler.tick();
      clock.t += intervalMs;
      if ((clock.t - start) % H === 0) max = Math.max(max, (await countSamples(db)) - before);
    }
    expect(max).toBeGreaterThan(0);
    expect(max).toBeLessThanOrEqual(bound);
    // Fewer rows than a week of raw samples would be (3 series × 2,016 at this interval)
    expect(max).toBeLessThan(3 * 2016 * 0.6);
    const series = await readSeries(db, { kind: "job", subject: job.id, topic: TOTAL_TOPIC, partition: TOTAL_PARTITION, fromMs: clock.t - 7 * D, toMs: clock.t, bucketMs: 30 * 60_000 });
    expect(series.length).toBeGreaterThan(300);
    expect(series.length).toBeLessThanOrEqual(337);
    expect(series[0].ts).toBeGreaterThanOrEqual(clock.t - 7 * D - 30 * 60_000);
  }, 120_000);

  describe("roll-up tiers", () => {
    const M = 60_000;
    const INTERVAL = 10_000;
    const start = T0 + 10 * D + 30_000;
    const end = start + 2 * H + 20 * M;
    let job: Awaited<ReturnType<typeof insertJob>>;
    let raw: LagRow[];

    /** Two hours and twenty minutes of 10 s samples of a job whose lag swings, and a group with members. */
    async function sample() {
      db = database.client();
      const clock = new FakeClock(start);
      const cluster = new FakeCluster(clock, { swing: { partitions: 2, rate: 10, start: T0 } });
      job = await insertJob(db, { name: "swing", topics: ["swing"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest", maxRecordsPerPartition: null } as never);
      await db.jobOffset.createMany({ data: [0, 1].map((partition) => ({ jobId: job.id, topic: "swing", partition, offset: 0n })) });
      cluster.groupList = [{ groupId: "watcher", state: "Stable", protocolType: "consumer", members: [{ memberId: "m", clientId: "c", host: "h", assignment: [] }] }];
      const sampler = new LagSampler({ db, source: cluster, clock, intervalMs: INTERVAL, retentionMs: 7 * D });
      for (let i = 0; clock.t < end; i++, clock.t += INTERVAL) {
        for (const partition of [0, 1]) {
          const lag = Math.round(300 + 250 * Math.sin(i / 40 + partition) + (i % 7) * 13);
          await db.jobOffset.update({ where: { jobId_topic_partition: { jobId: job.id, topic: "swing", partition } }, data: { offset: BigInt(cluster.end("swing") - lag) } });
        }
        cluster.committed.set("watcher", [{ topic: "swing", partition: 0, offset: cluster.end("swing") - 100 - (i % 50) }]);
        await sampler.tick();
      }
      // One more maintenance at the end: every bucket that has ended is in its tiers.
      await rollupAndPrune(db, end, rollupTiers(7 * D, INTERVAL), 15 * M);
      raw = await readRawSamples(db, 0, "job", job.id);
    }

    /** Min, max and average over the raw samples of one series in [from, from + width). */
    function expected(topic: string, partition: number, from: number, width: number) {
      const rows = raw.filter((r) => r.topic === topic && r.partition === partition && r.ts >= from && r.ts < from + width);
      if (rows.length === 0) return null;
      const sum = (f: (r: LagRow) => number) => rows.reduce((a, r) => a + f(r), 0);
      return {
        n: rows.length,
        lag: sum((r) => r.lag) / rows.length,
        lagMin: Math.min(...rows.map((r) => r.lag)),
        lagMax: Math.max(...rows.map((r) => r.lag)),
        timeLagMs: sum((r) => r.timeLagMs) / rows.length,
        timeLagMaxMs: Math.max(...rows.map((r) => r.timeLagMs)),
        last: rows.at(-1)!,
      };
    }

    it("builds every ended bucket of each tier, equal to an aggregation of the raw samples", async () => {
      await sample();
      expect(raw.length).toBe(3 * 840);
      for (const width of [M, 15 * M, H]) {
        const rows = await db.$queryRawUnsafe<Record<string, bigint | number | string | null>[]>(
          dialectSql(db, `SELECT * FROM "LagSample" WHERE "kind" = 'job' AND "subject" = ? AND "resolution" = ? ORDER BY "topic", "partition", "ts"`),
          job.id,
          width,
        );
        // Every bucket that has ended and holds samples, for both partitions and the total, and no other.
        const buckets = new Set(raw.map((r) => Math.floor(r.ts / width) * width).filter((b) => b + width <= end));
        expect(rows.length).toBe(3 * buckets.size);
        // Minutes are built from raw samples (exact but for rounding); quarter hours from minutes, hours from quarter hours (each step rounds once more).
        const tolerance = width === M ? 0.5 : width === 15 * M ? 1 : 1.5;
        for (const row of rows) {
          const e = expected(String(row.topic), Number(row.partition), Number(row.ts), width)!;
          expect(e).not.toBeNull();
          expect(Number(row.samples)).toBe(e.n);
          expect(Number(row.lagMin)).toBe(e.lagMin);
          expect(Number(row.lagMax)).toBe(e.lagMax);
          expect(Math.abs(Number(row.lag) - e.lag)).toBeLessThanOrEqual(tolerance);
          expect(Number(row.timeLagMaxMs)).toBe(e.timeLagMaxMs);
          expect(Math.abs(Number(row.timeLagMs) - e.timeLagMs)).toBeLessThanOrEqual(tolerance);
          expect(Number(row.committedOffset)).toBe(e.last.committedOffset);
          expect(Number(row.logEndOffset)).toBe(e.last.logEndOffset);
        }
      }
      // A consumer group's total is rolled up; its per-partition samples are not (they are kept 15 minutes, raw).
      const groupRows = await db.$queryRawUnsafe<{ partition: number | bigint; resolution: number | bigint; n: number | bigint }[]>(
        `SELECT "partition", "resolution", COUNT(*) AS n FROM "LagSample" WHERE "kind" = 'group' GROUP BY "partition", "resolution" ORDER BY "partition", "resolution"`,
      );
      expect(groupRows.map((r) => [Number(r.partition), Number(r.resolution)])).toEqual([
        [TOTAL_PARTITION, 0],
        [TOTAL_PARTITION, M],
        [TOTAL_PARTITION, 15 * M],
        [TOTAL_PARTITION, H],
        [0, 0],
      ]);
      expect(Number(groupRows.at(-1)!.n)).toBeLessThanOrEqual(15 * 6 + 6 + 1);
    }, 120_000);

    it("reads each range from the coarsest tier that fits its buckets, with the values of the raw samples", async () => {
      await sample();
      const read = (bucketMs: number) =>
        readPartitionSeries(db, { kind: "job", subject: job.id, fromMs: start, toMs: end, bucketMs }).then((all) => all.find((s) => s.partition === 1)!.points);
      const hourly = await read(H);
      expect(hourly.map((p) => p.ts)).toEqual([start - 30_000, start - 30_000 + H, start - 30_000 + 2 * H]);
      for (const p of hourly) {
        const e = expected("swing", 1, p.ts, H)!;
        expect(p.lagMin).toBe(e.lagMin);
        expect(p.lagMax).toBe(e.lagMax);
        expect(Math.abs(p.lag - e.lag)).toBeLessThanOrEqual(1.5);
        expect(p.timeLagMaxMs).toBe(e.timeLagMaxMs);
      }
      const total = await readSeries(db, { kind: "job", subject: job.id, topic: TOTAL_TOPIC, partition: TOTAL_PARTITION, fromMs: start, toMs: end, bucketMs: 5 * M });
      expect(total).toHaveLength(29);
      for (const p of total) {
        const e = expected(TOTAL_TOPIC, TOTAL_PARTITION, p.ts, 5 * M)!;
        expect([p.lagMin, p.lagMax, p.timeLagMaxMs]).toEqual([e.lagMin, e.lagMax, e.timeLagMaxMs]);
        // Averages of rounded minute averages, rounded once more.
        expect(Math.abs(p.lag - e.lag)).toBeLessThanOrEqual(1);
      }

      // Mark the hourly and the minute rows: a 1-hour read shows the hours' mark, a 5-minute read the minutes', a 10-second read neither.
      await db.$executeRawUnsafe(dialectSql(db, `UPDATE "LagSample" SET "lagMax" = 1000000 WHERE "resolution" = ?`), H);
      await db.$executeRawUnsafe(dialectSql(db, `UPDATE "LagSample" SET "lagMax" = 2000000 WHERE "resolution" = ?`), M);
      const marked = await read(H);
      // The two whole hours come from the hourly tier; the last, unfinished hour from minutes and raw samples.
      expect(marked.map((p) => p.lagMax)).toEqual([1_000_000, 1_000_000, 2_000_000]);
      expect((await read(5 * M)).every((p) => p.lagMax === 2_000_000 || p.ts >= end - M)).toBe(true);
      expect((await read(10_000)).some((p) => p.lagMax >= 1_000_000)).toBe(false);
    }, 120_000);
  });
});
