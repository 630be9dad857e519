import { describe, expect, it } from "vitest";
import { decideAfterFailure, NO_FAILURES, type FailureStreak } from "./batch-failure";

const job = { maxAttempts: 3, retryBackoffMs: 500 };

describe("decideAfterFailure", () => {
  it("fails at once on a fatal failure, with its code", () => {
    expect(decideAfterFailure({ kind: "fatal", code: "OFFSET_OUT_OF_RANGE", message: "t/0 is at 5" }, NO_FAILURES, job)).toEqual({
      action: "fail",
      code: "OFFSET_OUT_OF_RANGE",
      message: "t/0 is at 5",
    });
  });

  it("fails with TOPIC_DELETED naming the topics", () => {
    const decision = decideAfterFailure({ kind: "topics-deleted", topics: ["a", "b"] }, NO_FAILURES, job);
    expect(decision).toEqual({ action: "fail", code: "TOPIC_DELETED", message: "topic 'a', 'b' no longer exists; the job cannot read it" });
  });

  it("retries a failed attempt with a doubling delay, then fails with ATTEMPTS_EXHAUSTED on the last", () => {
    let streak: FailureStreak = NO_FAILURES;
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      const decision = decideAfterFailure({ kind: "attempt-failed", message: "boom" }, streak, job);
      if (decision.action !== "retry") throw new Error(`expected a retry, got ${decision.action}`);
      expect(decision.message).toBe(`retrying (attempt ${i + 2} of 3) after: boom`);
      delays.push(decision.delayMs);
      streak = decision.streak;
    }
    expect(delays).toEqual([500, 1000]);
    expect(decideAfterFailure({ kind: "attempt-failed", message: "boom" }, streak, job)).toEqual({
      action: "fail",
      code: "ATTEMPTS_EXHAUSTED",
      message: "failed after 3 attempts: boom",
    });
  });

  it("waits for Kafka without limit and without spending attempts", () => {
    let streak: FailureStreak = { attempts: 2, kafkaFailures: 0 };
    for (let i = 0; i < 50; i++) {
      const decision = decideAfterFailure({ kind: "kafka-outage", message: "ECONNREFUSED" }, streak, job);
      if (decision.action !== "wait") throw new Error(`expected a wait, got ${decision.action}`);
      expect(decision.message).toBe("waiting for Kafka: ECONNREFUSED");
      expect(decision.delayMs).toBeLessThanOrEqual(5000);
      streak = decision.streak;
    }
    expect(streak).toEqual({ attempts: 2, kafkaFailures: 50 });
  });

  it("fails a job allowed one attempt on its first failure", () => {
    expect(decideAfterFailure({ kind: "attempt-failed", message: "x" }, NO_FAILURES, { maxAttempts: 1, retryBackoffMs: 10 })).toMatchObject({
      action: "fail",
      message: "failed after 1 attempt: x",
    });
  });
});
