import { describe, expect, it } from "vitest";
import {
  aggregateStatus,
  calculatePartitionStatus,
  checkIfLagNotDecreasing,
  checkIfOffsetsRewind,
  checkIfOffsetsStalled,
  checkIfOffsetsStopped,
  checkIfRecentLagZero,
  isLagAlwaysNotZero,
  worstPartitionStatus,
  type CommitObservation,
  type PartitionLagStatus,
} from "./lag-status";

/** Burrow's evaluator test table (core/internal/evaluator/caching_test.go): offsets, timestamps in ms, now in s. */
const o = (offset: number, timestamp: number, lag: number | null): CommitObservation => ({ offset, timestamp, lag });
const steady = (lags: number[], offsets = [1000, 2000, 3000, 4000, 5000]) => offsets.map((off, i) => o(off, (i + 1) * 100_000, lags[i]));

interface Case {
  name: string;
  offsets: CommitObservation[];
  brokerOffsets: number[];
  currentLag: number;
  nowSec: number;
  rules: { alwaysNotZero: boolean; rewind: boolean; stopped: boolean; stalled: boolean; notDecreasing: boolean; recentLagZero: boolean };
  status: PartitionLagStatus;
}

const zeroLagRun = Array.from({ length: 15 }, (_, i) => o(792748079 + i, 1512224618356 + i * 1003, 0));

const cases: Case[] = [
  {
    name: "0: OK because the lag was zero somewhere in the window",
    offsets: steady([0, 50, 100, 150, 200]),
    brokerOffsets: [5200],
    currentLag: 200,
    nowSec: 600,
    rules: { alwaysNotZero: false, rewind: false, stopped: false, stalled: false, notDecreasing: true, recentLagZero: false },
    status: "OK",
  },
  {
    name: "1: not stopped when the time since the last commit (400 s) equals the window's span",
    offsets: steady([0, 50, 100, 150, 200]),
    brokerOffsets: [5200],
    currentLag: 200,
    nowSec: 900,
    rules: { alwaysNotZero: false, rewind: false, stopped: false, stalled: false, notDecreasing: true, recentLagZero: false },
    status: "OK",
  },
  {
    name: "2: STOP once the time since the last commit (500 s) exceeds the span, even with zero lag early on",
    offsets: steady([0, 50, 100, 150, 200]),
    brokerOffsets: [5200],
    currentLag: 200,
    nowSec: 1000,
    rules: { alwaysNotZero: false, rewind: false, stopped: true, stalled: false, notDecreasing: true, recentLagZero: false },
    status: "STOP",
  },
  {
    name: "3: STOP when the lag is never zero too",
    offsets: steady([50, 100, 150, 200, 250]),
    brokerOffsets: [5250],
    currentLag: 250,
    nowSec: 1000,
    rules: { alwaysNotZero: true, rewind: false, stopped: true, stalled: false, notDecreasing: true, recentLagZero: false },
    status: "STOP",
  },
  {
    name: "4: OK because of zero lag, although the offset never moves",
    offsets: steady([0, 50, 100, 150, 200], [1000, 1000, 1000, 1000, 1000]),
    brokerOffsets: [1200],
    currentLag: 200,
    nowSec: 600,
    rules: { alwaysNotZero: false, rewind: false, stopped: false, stalled: true, notDecreasing: true, recentLagZero: false },
    status: "OK",
  },
  {
    name: "5: STALL when the offset never moves and the lag is never zero",
    offsets: steady([100, 150, 200, 250, 300], [1000, 1000, 1000, 1000, 1000]),
    brokerOffsets: [1300],
    currentLag: 300,
    nowSec: 600,
    rules: { alwaysNotZero: true, rewind: false, stopped: false, stalled: true, notDecreasing: true, recentLagZero: false },
    status: "STALL",
  },
  {
    name: "6: still STALL when the lag stays the same",
    offsets: steady([100, 100, 100, 100, 100], [1000, 1000, 1000, 1000, 1000]),
    brokerOffsets: [1100],
    currentLag: 100,
    nowSec: 600,
    rules: { alwaysNotZero: true, rewind: false, stopped: false, stalled: true, notDecreasing: true, recentLagZero: false },
    status: "STALL",
  },
  {
    name: "7: REWIND when the offset goes backwards, even though the lag decreases",
    offsets: steady([100, 150, 200, 1250, 300], [1000, 2000, 3000, 2000, 4000]),
    brokerOffsets: [4300],
    currentLag: 300,
    nowSec: 600,
    rules: { alwaysNotZero: true, rewind: true, stopped: false, stalled: false, notDecreasing: false, recentLagZero: false },
    status: "REWIND",
  },
  {
    name: "8: OK because the current lag is zero, even though the timestamps say stopped",
    offsets: steady([50, 100, 150, 200, 250]),
    brokerOffsets: [5250],
    currentLag: 0,
    nowSec: 1000,
    rules: { alwaysNotZero: true, rewind: false, stopped: true, stalled: false, notDecreasing: true, recentLagZero: false },
    status: "OK",
  },
  {
    name: "9: STOP by timestamps with current lag, although the window's lag is always zero (Burrow #290)",
    offsets: zeroLagRun,
    brokerOffsets: [792749024, 792749000, 792748800, 792748600, 792748500],
    currentLag: 931,
    nowSec: 1512224650,
    rules: { alwaysNotZero: false, rewind: false, stopped: true, stalled: false, notDecreasing: true, recentLagZero: false },
    status: "STOP",
  },
  {
    name: "10: OK although stopped by timestamps, as the lag was zero against a recent log end (Burrow #303)",
    offsets: zeroLagRun,
    brokerOffsets: [792748094, 792748093, 792748093, 792748093],
    currentLag: 1,
    nowSec: 1512224650,
    rules: { alwaysNotZero: false, rewind: false, stopped: true, stalled: false, notDecreasing: true, recentLagZero: true },
    status: "OK",
  },
  {
    name: "11: missing lag values do not change case 0",
    offsets: [o(1000, 50_000, null), ...steady([0, 50, 100, 150, 200])],
    brokerOffsets: [5200],
    currentLag: 200,
    nowSec: 600,
    rules: { alwaysNotZero: false, rewind: false, stopped: false, stalled: false, notDecreasing: true, recentLagZero: false },
    status: "OK",
  },
  {
    name: "WARN: offsets advance but the lag never decreases (the consumer is too slow)",
    offsets: steady([100, 200, 300, 400, 500]),
    brokerOffsets: [5500],
    currentLag: 500,
    nowSec: 550,
    rules: { alwaysNotZero: true, rewind: false, stopped: false, stalled: false, notDecreasing: true, recentLagZero: false },
    status: "WARN",
  },
  {
    name: "OK: offsets advance and the lag decreases somewhere",
    offsets: steady([500, 400, 450, 300, 200]),
    brokerOffsets: [5200],
    currentLag: 200,
    nowSec: 550,
    rules: { alwaysNotZero: true, rewind: false, stopped: false, stalled: false, notDecreasing: false, recentLagZero: false },
    status: "OK",
  },
];

describe("Burrow's partition rules, case by case", () => {
  for (const c of cases) {
    it(c.name, () => {
      const now = c.nowSec * 1000;
      expect(isLagAlwaysNotZero(c.offsets), "rule 1").toBe(c.rules.alwaysNotZero);
      expect(checkIfOffsetsRewind(c.offsets), "rule 2").toBe(c.rules.rewind);
      expect(checkIfOffsetsStopped(c.offsets, now), "rule 3").toBe(c.rules.stopped);
      expect(checkIfOffsetsStalled(c.offsets), "rule 4").toBe(c.rules.stalled);
      expect(checkIfLagNotDecreasing(c.offsets), "rule 5").toBe(c.rules.notDecreasing);
      expect(checkIfRecentLagZero(c.offsets, c.brokerOffsets), "recent lag zero").toBe(c.rules.recentLagZero);
      expect(calculatePartitionStatus(c.offsets, c.brokerOffsets, c.currentLag, now)).toBe(c.status);
    });
  }

  it("no commits at all is OK (nothing to judge)", () => {
    expect(calculatePartitionStatus([], [100], 50, 1000)).toBe("OK");
  });
});

describe("group status from partition statuses (Burrow's aggregate)", () => {
  it("is the worst partition status, with STOP, STALL and REWIND counted as ERR", () => {
    expect(aggregateStatus([])).toBe("OK");
    expect(aggregateStatus(["OK", "OK"])).toBe("OK");
    expect(aggregateStatus(["OK", "WARN"])).toBe("WARN");
    expect(aggregateStatus(["WARN", "STOP"])).toBe("ERR");
    expect(aggregateStatus(["STALL"])).toBe("ERR");
    expect(aggregateStatus(["OK", "REWIND", "WARN"])).toBe("ERR");
  });
  it("reports the worst partition status in Burrow's severity order", () => {
    expect(worstPartitionStatus(["OK", "STOP", "WARN"])).toBe("STOP");
    expect(worstPartitionStatus(["STOP", "STALL"])).toBe("STALL");
    expect(worstPartitionStatus(["STALL", "REWIND"])).toBe("REWIND");
    expect(worstPartitionStatus([])).toBe("OK");
  });
});
