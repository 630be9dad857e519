import { describe, expect, it } from "vitest";
import { planAhead, planOffsetRanges, plannedAheadStillHolds, unreadableRanges, type PlanInput } from "./plan-offset-ranges";

const tp = (partition: number, topic = "t") => ({ topic, partition });
const log = (partition: number, logStartOffset: number, logEndOffset: number, topic = "t") => ({
  topic,
  partition,
  logStartOffset,
  logEndOffset,
});
const base: PlanInput = { owned: [], stored: [], log: [], startingOffsets: "earliest" };

describe("planOffsetRanges", () => {
  it("reads from the stored offset up to the log end", () => {
    const plan = planOffsetRanges({
      ...base,
      owned: [tp(0), tp(1)],
      stored: [{ ...tp(0), offset: 10 }, { ...tp(1), offset: 0 }],
      log: [log(0, 0, 25), log(1, 0, 3)],
    });
    expect(plan.ranges).toEqual([
      { topic: "t", partition: 0, fromOffset: 10, untilOffset: 25 },
      { topic: "t", partition: 1, fromOffset: 0, untilOffset: 3 },
    ]);
    expect(plan.records).toBe(18);
    expect(plan.newPartitions).toEqual([]);
  });

  it("caps each partition at maxRecordsPerPartition", () => {
    const plan = planOffsetRanges({
      ...base,
      owned: [tp(0), tp(1)],
      stored: [{ ...tp(0), offset: 100 }, { ...tp(1), offset: 5 }],
      log: [log(0, 0, 1000), log(1, 0, 7)],
      maxRecordsPerPartition: 50,
    });
    expect(plan.ranges.map((r) => [r.fromOffset, r.untilOffset])).toEqual([
      [100, 150],
      [5, 7],
    ]);
    expect(plan.records).toBe(52);
  });

  it("plans an empty range for a caught-up or empty partition", () => {
    const plan = planOffsetRanges({
      ...base,
      owned: [tp(0), tp(1)],
      stored: [{ ...tp(0), offset: 42 }],
      log: [log(0, 0, 42), log(1, 0, 0)],
    });
    expect(plan.ranges).toEqual([
      { topic: "t", partition: 0, fromOffset: 42, untilOffset: 42 },
      { topic: "t", partition: 1, fromOffset: 0, untilOffset: 0 },
    ]);
    expect(plan.records).toBe(0);
  });

  it("starts new partitions at log start for earliest and at log end for latest", () => {
    const input = { ...base, owned: [tp(0)], log: [log(0, 7, 20)] };
    const earliest = planOffsetRanges({ ...input, startingOffsets: "earliest" });
    expect(earliest.ranges[0]).toMatchObject({ fromOffset: 7, untilOffset: 20 });
    expect(earliest.newPartitions).toEqual([tp(0)]);
    const latest = planOffsetRanges({ ...input, startingOffsets: "latest" });
    expect(latest.ranges[0]).toMatchObject({ fromOffset: 20, untilOffset: 20 });
    expect(latest.newPartitions).toEqual([tp(0)]);
  });

  it("reads a partition added to a topic the job already reads from its start, even under latest", () => {
    const plan = planOffsetRanges({
      ...base,
      owned: [tp(0), tp(1)],
      stored: [{ ...tp(0), offset: 10 }],
      log: [log(0, 0, 10), log(1, 0, 4)],
      startingOffsets: "latest",
    });
    expect(plan.ranges[1]).toMatchObject({ partition: 1, fromOffset: 0, untilOffset: 4 });
  });

  it("moves past records retention deleted and reports the gap", () => {
    const plan = planOffsetRanges({
      ...base,
      owned: [tp(0)],
      stored: [{ ...tp(0), offset: 5 }],
      log: [log(0, 30, 40)],
    });
    expect(plan.ranges[0]).toMatchObject({ fromOffset: 30, untilOffset: 40 });
    expect(plan.skipped).toEqual([{ ...tp(0), storedOffset: 5, logStartOffset: 30 }]);
    expect(plan.records).toBe(10);
  });

  it("refuses to plan a partition whose stored offset is beyond the log end", () => {
    const plan = planOffsetRanges({
      ...base,
      owned: [tp(0), tp(1)],
      stored: [{ ...tp(0), offset: 500 }, { ...tp(1), offset: 1 }],
      log: [log(0, 0, 100), log(1, 0, 2)],
    });
    expect(plan.outOfRange).toEqual([{ ...tp(0), storedOffset: 500, logEndOffset: 100 }]);
    expect(plan.ranges).toEqual([{ ...tp(1), fromOffset: 1, untilOffset: 2 }]);
  });

  it("only plans owned partitions with a known log, sorted by topic then partition", () => {
    const plan = planOffsetRanges({
      ...base,
      owned: [tp(1, "b"), tp(0, "a"), tp(2, "a")],
      log: [log(0, 0, 1, "a"), log(1, 0, 1, "b"), log(3, 0, 9, "a")],
    });
    expect(plan.ranges.map((r) => `${r.topic}:${r.partition}`)).toEqual(["a:0", "b:1"]);
  });
});

describe("unreadableRanges", () => {
  const range = (partition: number, fromOffset: number, untilOffset: number) => ({ ...tp(partition), fromOffset, untilOffset });

  it("keeps a recorded plan the log still holds whole", () => {
    expect(unreadableRanges([range(0, 100, 200), range(1, 0, 5)], [log(0, 100, 200), log(1, 0, 9)])).toEqual([]);
  });

  it("names ranges whose start retention deleted, or that pass the log end", () => {
    const ranges = [range(0, 100, 200), range(1, 10, 20), range(2, 0, 5)];
    expect(unreadableRanges(ranges, [log(0, 150, 200), log(1, 0, 15), log(2, 0, 5)])).toEqual([range(0, 100, 200), range(1, 10, 20)]);
  });

  it("keeps a range whose partition's leader is unknown right now: reading it retries", () => {
    expect(unreadableRanges([range(3, 0, 5)], [log(0, 0, 5)])).toEqual([]);
  });

  it("ignores empty ranges: there is nothing to read, and the next plan checks the offset", () => {
    expect(unreadableRanges([range(0, 100, 100)], [log(0, 150, 300)])).toEqual([]);
  });
});

describe("plannedAheadStillHolds", () => {
  const owned = [
    { topic: "t", partition: 0 },
    { topic: "t", partition: 1 },
  ];
  const ranges = [
    { topic: "t", partition: 0, fromOffset: 100, untilOffset: 200 },
    { topic: "t", partition: 1, fromOffset: 50, untilOffset: 50 },
  ];
  const stored = [
    { topic: "t", partition: 0, offset: 100 },
    { topic: "t", partition: 1, offset: 50 },
  ];

  it("holds when every owned partition has a range starting at its stored offset", () => {
    expect(plannedAheadStillHolds(ranges, owned, stored)).toBe(true);
  });

  it("fails when a stored offset moved (a reset, another runtime's commit, the previous batch not committed)", () => {
    expect(plannedAheadStillHolds(ranges, owned, [stored[0], { ...stored[1], offset: 40 }])).toBe(false);
    expect(plannedAheadStillHolds(ranges, owned, [stored[0]])).toBe(false);
  });

  it("fails when the owned partitions changed (a partition added, or one taken by another owner)", () => {
    expect(plannedAheadStillHolds(ranges, [...owned, { topic: "t", partition: 2 }], stored)).toBe(false);
    expect(plannedAheadStillHolds(ranges, [owned[0]], stored)).toBe(false);
    expect(plannedAheadStillHolds(ranges, [owned[0], { topic: "u", partition: 1 }], stored)).toBe(false);
  });
});

describe("planAhead", () => {
  const owned = [tp(0), tp(1)];
  const asRead = [
    { topic: "t", partition: 0, fromOffset: 0, untilOffset: 100 },
    { topic: "t", partition: 1, fromOffset: 0, untilOffset: 40 },
  ];
  const base = { owned, asRead, startingOffsets: "earliest" as const, maxRecordsPerPartition: 100, cutByBudget: false };

  it("plans each partition on from where the batch being committed stopped, while a partition fills the cap", () => {
    expect(planAhead({ ...base, log: [log(0, 0, 500), log(1, 0, 60)] })).toEqual([
      { topic: "t", partition: 0, fromOffset: 100, untilOffset: 200 },
      { topic: "t", partition: 1, fromOffset: 40, untilOffset: 60 },
    ]);
  });

  it("plans nothing when the job is not behind: no partition fills the cap and the byte budget cut nothing", () => {
    expect(planAhead({ ...base, log: [log(0, 0, 150), log(1, 0, 60)] })).toBeNull();
    expect(planAhead({ ...base, cutByBudget: true, log: [log(0, 0, 150), log(1, 0, 60)] })).toEqual([
      { topic: "t", partition: 0, fromOffset: 100, untilOffset: 150 },
      { topic: "t", partition: 1, fromOffset: 40, untilOffset: 60 },
    ]);
  });

  it("leaves to the live plan a new partition, records lost to retention and a truncated log", () => {
    expect(planAhead({ ...base, owned: [...owned, tp(2)], log: [log(0, 0, 500), log(1, 0, 60), log(2, 0, 10)] })).toBeNull();
    expect(planAhead({ ...base, log: [log(0, 150, 500), log(1, 0, 60)] })).toBeNull();
    expect(planAhead({ ...base, log: [log(0, 0, 500), log(1, 0, 30)] })).toBeNull();
  });
});
