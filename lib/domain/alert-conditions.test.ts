import { describe, expect, it } from "vitest";
import {
  deadLettersAdded,
  describeCondition,
  etaAbove,
  evaluateCondition,
  fallingBehind,
  globMatch,
  jobFailed,
  jobNotRunning,
  lagAbove,
  statusAtLeast,
  timeLagAbove,
  type AlertTargetSignals,
} from "./alert-conditions";

const job = (over: Partial<AlertTargetSignals> = {}, jobOver: Partial<NonNullable<AlertTargetSignals["job"]>> = {}): AlertTargetSignals => ({
  key: "job:j1",
  kind: "job",
  id: "j1",
  name: "orders",
  lag: 0,
  timeLagMs: 0,
  eta: { state: "caught-up", ms: null },
  status: "OK",
  job: { status: "running", desiredState: "running", statusMessage: null, slowBatchStreak: 0, deadLettersAdded: {}, ...jobOver },
  ...over,
});
const group = (over: Partial<AlertTargetSignals> = {}): AlertTargetSignals => ({ ...job(over), key: "group:g", kind: "group", id: "g", name: "g", job: undefined, ...over });

describe("lag > N", () => {
  it("holds only strictly above the threshold", () => {
    expect(lagAbove(job({ lag: 1000 }), 1000)?.active).toBe(false);
    expect(lagAbove(job({ lag: 1001 }), 1000)).toEqual({ active: true, value: 1001, threshold: 1000, unit: "records" });
  });
  it("has no answer before the first sample", () => {
    expect(lagAbove(job({ lag: null }), 0)).toBeNull();
  });
});

describe("time lag > S", () => {
  it("compares seconds", () => {
    expect(timeLagAbove(job({ timeLagMs: 30_500 }), 30)).toMatchObject({ active: true, value: 30.5 });
    expect(timeLagAbove(job({ timeLagMs: 30_000 }), 30)?.active).toBe(false);
  });
});

describe("ETA > T or never", () => {
  it("never always holds, with an infinite value", () => {
    expect(etaAbove(job({ eta: { state: "never", ms: null } }), 86_400)).toMatchObject({ active: true, value: Number.POSITIVE_INFINITY });
  });
  it("catching up compares the ETA; caught up is 0; unknown is no answer", () => {
    expect(etaAbove(job({ eta: { state: "catching-up", ms: 120_000 } }), 60)?.active).toBe(true);
    expect(etaAbove(job({ eta: { state: "catching-up", ms: 30_000 } }), 60)?.active).toBe(false);
    expect(etaAbove(job({ eta: { state: "caught-up", ms: null } }), 0)?.active).toBe(false);
    expect(etaAbove(job({ eta: { state: "unknown", ms: null } }), 0)).toBeNull();
  });
});

describe("status at or above", () => {
  it("WARN includes ERR; ERR excludes WARN", () => {
    expect(statusAtLeast(job({ status: "WARN" }), "WARN")?.active).toBe(true);
    expect(statusAtLeast(job({ status: "ERR" }), "WARN")?.active).toBe(true);
    expect(statusAtLeast(job({ status: "WARN" }), "ERR")?.active).toBe(false);
    expect(statusAtLeast(job({ status: "OK" }), "WARN")?.active).toBe(false);
  });
});

describe("job health", () => {
  it("job failed", () => {
    expect(jobFailed(job({}, { status: "failed" }))?.active).toBe(true);
    expect(jobFailed(job({}, { status: "running" }))?.active).toBe(false);
  });
  it("stopped without a user asking: wanted running, but stopped or waiting", () => {
    expect(jobNotRunning(job({}, { desiredState: "running", status: "stopped" }))?.active).toBe(true);
    expect(jobNotRunning(job({}, { desiredState: "running", status: "waiting" }))?.active).toBe(true);
    expect(jobNotRunning(job({}, { desiredState: "stopped", status: "stopped" }))?.active).toBe(false);
    expect(jobNotRunning(job({}, { desiredState: "running", status: "failed" }))?.active).toBe(false);
  });
  it("not running: the status still says running, but the runtime process is down", () => {
    expect(jobNotRunning(job({}, { desiredState: "running", status: "running", runtimeDown: true }))?.active).toBe(true);
    expect(jobNotRunning(job({}, { desiredState: "running", status: "starting", runtimeDown: true }))?.active).toBe(true);
    expect(jobNotRunning(job({}, { desiredState: "running", status: "running", runtimeDown: false }))?.active).toBe(false);
    // Nobody asked it to run, or it failed (job-failed says so): not this condition.
    expect(jobNotRunning(job({}, { desiredState: "stopped", status: "running", runtimeDown: true }))?.active).toBe(false);
    expect(jobNotRunning(job({}, { desiredState: "running", status: "failed", runtimeDown: true }))?.active).toBe(false);
  });
  it("not running: wanted, but no instance holds a live lease on it", () => {
    expect(jobNotRunning(job({}, { desiredState: "running", status: "running", noLiveOwner: true }))?.active).toBe(true);
    expect(jobNotRunning(job({}, { desiredState: "running", status: "starting", noLiveOwner: true }))?.active).toBe(true);
    expect(jobNotRunning(job({}, { desiredState: "running", status: "running", noLiveOwner: false }))?.active).toBe(false);
    // Not wanted (asked to stop, or failed: job-failed says so): an unowned job is as it should be.
    expect(jobNotRunning(job({}, { desiredState: "stopped", status: "stopped", noLiveOwner: true }))?.active).toBe(false);
    expect(jobNotRunning(job({}, { desiredState: "running", status: "failed", noLiveOwner: true }))?.active).toBe(false);
  });
  it("falling behind needs k slow batches in a row", () => {
    expect(fallingBehind(job({}, { slowBatchStreak: 2 }), 3)?.active).toBe(false);
    expect(fallingBehind(job({}, { slowBatchStreak: 3 }), 3)?.active).toBe(true);
  });
  it("dead letters added within the window", () => {
    const s = job({}, { deadLettersAdded: { 300_000: 2 } });
    expect(deadLettersAdded(s, 0, 300)?.active).toBe(true);
    expect(deadLettersAdded(s, 2, 300)?.active).toBe(false);
    expect(deadLettersAdded(s, 0, 60)?.active).toBe(false);
  });
  it("job-only conditions have no answer for consumer groups", () => {
    expect(evaluateCondition({ type: "job-failed" }, group())).toBeNull();
    expect(evaluateCondition({ type: "lag", threshold: 5 }, group({ lag: 6 }))?.active).toBe(true);
  });
});

describe("wording and targets", () => {
  it("describes conditions", () => {
    expect(describeCondition({ type: "lag", threshold: 1000 })).toBe("lag > 1,000 records");
    expect(describeCondition({ type: "eta", thresholdSeconds: 600 })).toBe("ETA to catch up > 10 min or never");
  });
  it("globs group names", () => {
    expect(globMatch("orders-*", "orders-eu")).toBe(true);
    expect(globMatch("orders-*", "payments")).toBe(false);
    expect(globMatch("a?c", "abc")).toBe(true);
    expect(globMatch("a.c", "abc")).toBe(false);
    expect(globMatch("*", "anything.at-all")).toBe(true);
  });
});
