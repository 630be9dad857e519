import { describe, expect, it } from "vitest";
import { batchStarts, parseIsoDuration, planFromExpected, planReset, stalePlanReason, summarizePlan, type PartitionPosition } from "./reset-plan";

const pos = (partition: number, currentOffset: number | null, logStartOffset: number, logEndOffset: number): PartitionPosition => ({
  topic: "t",
  partition,
  currentOffset,
  effectiveOffset: currentOffset ?? logStartOffset,
  logStartOffset,
  logEndOffset,
});
const positions = [pos(1, 80, 10, 100), pos(0, 50, 0, 60)];
const targets = (rows: { partition: number; targetOffset: number }[]) => rows.map((r) => [r.partition, r.targetOffset]);

describe("planReset", () => {
  it("to-earliest and to-latest go to the log bounds, sorted by partition", () => {
    expect(targets(planReset(positions, { mode: "to-earliest" }))).toEqual([[0, 0], [1, 10]]);
    expect(targets(planReset(positions, { mode: "to-latest" }))).toEqual([[0, 60], [1, 100]]);
  });

  it("reports deltas: negative re-reads, positive skips", () => {
    const rows = planReset(positions, { mode: "to-earliest" });
    expect(rows.map((r) => r.delta)).toEqual([-50, -70]);
    expect(summarizePlan(rows)).toEqual({ reprocessed: 120, skipped: 0 });
    expect(summarizePlan(planReset(positions, { mode: "to-latest" }))).toEqual({ reprocessed: 0, skipped: 30 });
  });

  it("clamps to-offset into [log start, log end] and says why", () => {
    const rows = planReset(positions, { mode: "to-offset", offset: 5 });
    expect(rows[0]).toMatchObject({ partition: 0, targetOffset: 5, clamped: false });
    expect(rows[1]).toMatchObject({ partition: 1, targetOffset: 10, clamped: true });
    expect(rows[1].note).toMatch(/before the log start 10/);
    const high = planReset(positions, { mode: "to-offset", offset: 1000 });
    expect(high.map((r) => [r.targetOffset, r.clamped])).toEqual([[60, true], [100, true]]);
  });

  it("shift-by moves from where the job would read, clamped", () => {
    expect(targets(planReset(positions, { mode: "shift-by", by: -30 }))).toEqual([[0, 20], [1, 50]]);
    expect(targets(planReset(positions, { mode: "shift-by", by: 15 }))).toEqual([[0, 60], [1, 95]]);
    expect(targets(planReset([pos(0, null, 5, 20)], { mode: "shift-by", by: 3 }))).toEqual([[0, 8]]);
  });

  it("time, batch and per-partition modes take resolved offsets; partitions without one stay", () => {
    const offsets = new Map([["t:0", { offset: 40, batchId: 7 }]]);
    const rows = planReset(positions, { mode: "to-batch", batchId: 7, offsets });
    expect(rows.map((r) => [r.partition, r.targetOffset, r.delta, r.note])).toEqual([
      [0, 40, -10, null],
      [1, 80, 0, "no batch since 7 read it: unchanged"],
    ]);
    const later = planReset(positions, { mode: "to-batch", batchId: 7, offsets: new Map([...offsets, ["t:1", { offset: 30, batchId: 9 }]]) });
    expect(later[1]).toMatchObject({ targetOffset: 30, delta: -50, note: "not in batch 7: where batch 9 first read it" });
    expect(targets(planReset(positions, { mode: "to-datetime", offsets: new Map([["t:0", 70], ["t:1", 12]]) }))).toEqual([[0, 60], [1, 12]]);
  });
});

describe("batchStarts", () => {
  const batch = (id: number, ...ranges: [number, number][]) => ({ id, ranges: ranges.map(([partition, fromOffset]) => ({ topic: "t", partition, fromOffset })) });

  it("takes each partition's start from the first batch that read it", () => {
    const starts = batchStarts([batch(5, [0, 10], [1, 20]), batch(6, [0, 15], [1, 25])]);
    expect(Object.fromEntries(starts)).toEqual({ "t:0": { offset: 10, batchId: 5 }, "t:1": { offset: 20, batchId: 5 } });
  });

  it("a partition the first batch did not read goes back to where a later batch first read it", () => {
    // Partition 1 was added (or its leader was unknown) after batch 5 was planned; partition 2 was never read.
    const starts = batchStarts([batch(7, [0, 30], [1, 4]), batch(5, [0, 10]), batch(6, [0, 20], [1, 0])]);
    expect(Object.fromEntries(starts)).toEqual({ "t:0": { offset: 10, batchId: 5 }, "t:1": { offset: 0, batchId: 6 } });
    const rows = planReset([pos(0, 40, 0, 40), pos(1, 8, 0, 8), pos(2, 3, 0, 3)], { mode: "to-batch", batchId: 5, offsets: starts });
    expect(rows.map((r) => [r.partition, r.targetOffset])).toEqual([[0, 10], [1, 0], [2, 3]]);
  });

  it("accumulates over several calls (batches read in chunks)", () => {
    const starts = batchStarts([batch(5, [0, 10])]);
    batchStarts([batch(9, [0, 50], [1, 7])], starts);
    expect(Object.fromEntries(starts)).toEqual({ "t:0": { offset: 10, batchId: 5 }, "t:1": { offset: 7, batchId: 9 } });
  });
});

describe("planFromExpected", () => {
  it("rebuilds delta, note and summary from the previewed targets, not the fresh plan's", () => {
    // Previewed to-latest at log ends 60 and 100; the logs have grown since.
    const grown = [pos(0, 50, 0, 75), pos(1, 80, 10, 130)];
    const fresh = planReset(grown, { mode: "to-latest" });
    const applied = planFromExpected(grown, [{ topic: "t", partition: 0, targetOffset: 60 }, { topic: "t", partition: 1, targetOffset: 100 }], fresh);
    expect(applied.map((r) => [r.targetOffset, r.delta])).toEqual([[60, 10], [100, 20]]);
    expect(summarizePlan(applied)).toEqual({ reprocessed: 0, skipped: 30 });
    expect(applied[0].note).toBe("as previewed (a fresh plan now says 75)");
  });
  it("keeps the fresh plan's note and clamp flag where the target is the same", () => {
    const fresh = planReset(positions, { mode: "to-offset", offset: 5 });
    const applied = planFromExpected(positions, fresh, fresh);
    expect(applied).toEqual(fresh);
  });
});

describe("stalePlanReason", () => {
  it("holds while the job has not moved and targets are still inside the log", () => {
    const plan = planReset(positions, { mode: "to-earliest" });
    expect(stalePlanReason(plan, positions)).toBeNull();
    expect(stalePlanReason(plan, [pos(0, 50, 0, 90), pos(1, 80, 10, 100)])).toBeNull();
  });
  it("refuses when the job moved or retention deleted the target", () => {
    const plan = planReset(positions, { mode: "to-earliest" });
    expect(stalePlanReason(plan, [pos(0, 55, 0, 60), pos(1, 80, 10, 100)])).toMatch(/moved from 50 to 55/);
    expect(stalePlanReason(plan, [pos(0, 50, 0, 60), pos(1, 80, 20, 100)])).toMatch(/deleted by retention/);
  });
});

describe("parseIsoDuration", () => {
  it("parses Kafka-style durations and rejects the rest", () => {
    expect(parseIsoDuration("PT15M")).toBe(900_000);
    expect(parseIsoDuration("P1DT2H")).toBe(93_600_000);
    expect(parseIsoDuration("P1W")).toBe(604_800_000);
    expect(parseIsoDuration("PT0.5S")).toBe(500);
    for (const bad of ["", "P", "PT", "15M", "PT-5M", "P1Y", "PT0S", "yesterday"]) expect(parseIsoDuration(bad), bad).toBeNull();
  });
});
