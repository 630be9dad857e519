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
import { countSamples, readEvaluations, readLatestTick, readSeries, TOTAL_PARTITION, TOTAL_TOPIC } from "./lag-store";

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
    const bound = 3 * maxRowsPerSeries(intervalMs, rollupTiers(7 * D));
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
});
