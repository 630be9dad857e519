import { describe, expect, it } from "vitest";
import { evaluatePartition, evaluateSubject, type SampleForEvaluation } from "./lag-evaluation";

const settings = { nowMs: 100_000, intervalMs: 1000, windowSize: 5 };
/** Samples one second apart ending at `end`; each field can vary per index. */
function samples(n: number, end: number, f: (i: number) => Partial<SampleForEvaluation>): SampleForEvaluation[] {
  return Array.from({ length: n }, (_, i) => ({
    ts: end - (n - 1 - i) * 1000,
    committedOffset: 100,
    logEndOffset: 200,
    lag: 100,
    timeLagMs: 0,
    isCommit: true,
    commitTs: end - (n - 1 - i) * 1000,
    ...f(i),
  }));
}

describe("evaluating sampled partitions", () => {
  it("a live consumer whose offset does not move while lagging is STALL", () => {
    expect(evaluatePartition(samples(8, 100_000, () => ({})), settings)).toEqual({ status: "STALL", complete: 1 });
  });

  it("a consumer that reads faster than records arrive is OK", () => {
    const s = samples(8, 100_000, (i) => ({ committedOffset: 100 + 30 * i, logEndOffset: 300 + 10 * i, lag: 200 - 20 * i }));
    expect(evaluatePartition(s, settings).status).toBe("OK");
  });

  it("a consumer that moves but never shrinks its lag is WARN", () => {
    const s = samples(8, 100_000, (i) => ({ committedOffset: 100 + 10 * i, logEndOffset: 200 + 20 * i, lag: 100 + 10 * i }));
    expect(evaluatePartition(s, settings).status).toBe("WARN");
  });

  it("only commits count: samples after the consumer stopped are not commits, and STOP follows once the window's span has passed", () => {
    const alive = samples(5, 90_000, (i) => ({ committedOffset: 100 + 10 * i, lag: 80 - 5 * i }));
    const dead = samples(4, 94_000, () => ({ committedOffset: 140, isCommit: false, commitTs: 90_000, lag: 60, logEndOffset: 200 }));
    // last commit at 90 s, window spans 86–90 s: stopped once now − 90 s > 4 s
    expect(evaluatePartition([...alive, ...dead], { ...settings, nowMs: 94_000 }).status).toBe("OK");
    expect(evaluatePartition([...alive, ...dead], { ...settings, nowMs: 94_001 }).status).toBe("STOP");
  });

  it("without a window of commits, STOP only once the last known commit is older than a whole window", () => {
    const s = samples(3, 100_000, () => ({ isCommit: false, commitTs: 96_000 }));
    expect(evaluatePartition(s, { ...settings, nowMs: 100_000 })).toEqual({ status: "OK", complete: 0 });
    expect(evaluatePartition(s, { ...settings, nowMs: 101_001 })).toEqual({ status: "STOP", complete: 0 });
    expect(evaluatePartition(samples(3, 100_000, () => ({ isCommit: false, commitTs: 96_000, lag: 0 })), { ...settings, nowMs: 200_000 }).status).toBe("OK");
  });

  it("an offset that went backwards is REWIND", () => {
    const s = samples(6, 100_000, (i) => ({ committedOffset: i === 3 ? 50 : 100 + i, lag: 100 }));
    expect(evaluatePartition(s, settings).status).toBe("REWIND");
  });

  it("a subject takes the worst partition (ERR for STOP/STALL/REWIND), and ERR when samples are stale", () => {
    const totals = [0, 1, 2, 3].map((i) => ({ ts: 97_000 + i * 1000, lag: 100 - 20 * i, position: 1000 + 30 * i, logEnd: 1100 + 10 * i }));
    const ok = evaluateSubject([{ status: "OK", complete: 1 }, { status: "WARN", complete: 1 }], totals, 100_000, settings);
    expect(ok).toMatchObject({ status: "WARN", worst: "WARN", stale: false });
    expect(ok.eta).toEqual({ state: "catching-up", ms: 2000 });
    expect(evaluateSubject([{ status: "STOP", complete: 1 }], totals, 100_000, settings)).toMatchObject({ status: "ERR", worst: "STOP" });
    expect(evaluateSubject([{ status: "OK", complete: 1 }], totals, 80_000, settings)).toMatchObject({ status: "ERR", stale: true });
  });
});
