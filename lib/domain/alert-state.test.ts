import { describe, expect, it } from "vitest";
import { matchingSilence, retryDelayMs, stepAlert, type OpenAlert, type StepInput } from "./alert-state";

const base: Omit<StepInput, "nowMs" | "active"> = { value: 5, forMs: 10_000, repeatMs: 60_000, silenced: false };
const at = (nowMs: number, active: boolean, over: Partial<StepInput> = {}): StepInput => ({ ...base, nowMs, active, ...over });

/** Runs a sequence of ticks and returns the messages (with whether each is delivered). */
function run(ticks: StepInput[]): { messages: string[]; last: OpenAlert | null } {
  let state: OpenAlert | null = null;
  const messages: string[] = [];
  for (const t of ticks) {
    const r = stepAlert(state, t);
    if (r.message) messages.push(`${t.nowMs}:${r.message}${r.deliver ? "" : "(quiet)"}`);
    state = r.next;
  }
  return { messages, last: state };
}

describe("pending → firing → resolved", () => {
  it("fires only after the condition held for the whole duration", () => {
    const r = run([at(0, true), at(5_000, true), at(9_999, true), at(10_000, true)]);
    expect(r.messages).toEqual(["10000:firing"]);
    expect(r.last).toMatchObject({ state: "firing", since: 0, firingSince: 10_000, lastNotifiedAt: 10_000 });
  });
  it("a blip shorter than the duration never fires and says nothing", () => {
    expect(run([at(0, true), at(5_000, false), at(6_000, true), at(15_000, true)]).messages).toEqual([]);
  });
  it("duration 0 fires on the first tick", () => {
    expect(run([at(0, true, { forMs: 0 })]).messages).toEqual(["0:firing"]);
  });
  it("repeats every repeat interval while firing, then resolves", () => {
    const r = run([at(0, true), at(10_000, true), at(60_000, true), at(70_000, true), at(130_000, true), at(131_000, false)]);
    expect(r.messages).toEqual(["10000:firing", "70000:repeat", "130000:repeat", "131000:resolved"]);
    expect(r.last).toBeNull();
  });
  it("once only: no repeats", () => {
    const r = run([at(0, true, { repeatMs: null }), at(10_000, true, { repeatMs: null }), at(500_000, true, { repeatMs: null }), at(500_001, false)]);
    expect(r.messages).toEqual(["10000:firing", "500001:resolved"]);
  });
  it("keeps the measured value current", () => {
    const r = run([at(0, true), at(10_000, true, { value: 42 })]);
    expect(r.last?.value).toBe(42);
  });
});

describe("silences", () => {
  it("a silenced alert fires quietly, does not repeat, and is told when the silence ends", () => {
    const r = run([
      at(0, true, { silenced: true }),
      at(10_000, true, { silenced: true }),
      at(80_000, true, { silenced: true }),
      at(90_000, true),
      at(100_000, true),
    ]);
    expect(r.messages).toEqual(["10000:firing(quiet)", "90000:firing"]);
  });
  it("a silence suppresses repeats and the resolved message", () => {
    const r = run([at(0, true), at(10_000, true), at(70_000, true, { silenced: true }), at(71_000, false, { silenced: true })]);
    expect(r.messages).toEqual(["10000:firing", "71000:resolved(quiet)"]);
  });
  it("nobody is told of a resolve when nobody was told it fired", () => {
    const r = run([at(0, true, { silenced: true }), at(10_000, true, { silenced: true }), at(11_000, false)]);
    expect(r.messages).toEqual(["10000:firing(quiet)", "11000:resolved(quiet)"]);
  });

  const silences = [
    { id: "rule", ruleId: "r1", targetKey: null, endsAt: 100 },
    { id: "target", ruleId: null, targetKey: "job:b", endsAt: 100 },
    { id: "both", ruleId: "r2", targetKey: "job:c", endsAt: 100 },
    { id: "empty", ruleId: null, targetKey: null, endsAt: 100 },
  ];
  it("matches by rule, by target, or by both, until it ends", () => {
    expect(matchingSilence(silences, "r1", "job:z", 50)?.id).toBe("rule");
    expect(matchingSilence(silences, "r9", "job:b", 50)?.id).toBe("target");
    expect(matchingSilence(silences, "r2", "job:c", 50)?.id).toBe("both");
    expect(matchingSilence(silences, "r2", "job:d", 50)).toBeNull();
    expect(matchingSilence(silences, "r1", "job:z", 100)).toBeNull();
  });
});

describe("retry backoff", () => {
  it("doubles and is capped", () => {
    expect([1, 2, 3, 4, 10].map((a) => retryDelayMs(a, 500, 3000))).toEqual([500, 1000, 2000, 3000, 3000]);
  });
});
