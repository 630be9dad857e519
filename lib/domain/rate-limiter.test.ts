import { describe, expect, it } from "vitest";
import { FailureRateLimiter, SignInLimiter } from "./rate-limiter";

describe("FailureRateLimiter", () => {
  it("refuses a key after maxFailures within the window and lets it try once the oldest failure ages out", () => {
    const limiter = new FailureRateLimiter(3, 60_000);
    limiter.recordFailure("ip:1", 0);
    limiter.recordFailure("ip:1", 10_000);
    expect(limiter.retryAfterMs("ip:1", 10_000)).toBe(0);
    limiter.recordFailure("ip:1", 20_000);
    expect(limiter.retryAfterMs("ip:1", 20_000)).toBe(40_000);
    expect(limiter.retryAfterMs("ip:2", 20_000)).toBe(0);
    expect(limiter.retryAfterMs("ip:1", 60_001)).toBe(0);
  });
  it("forgets a key on reset", () => {
    const limiter = new FailureRateLimiter(1, 60_000);
    limiter.recordFailure("user:a", 0);
    expect(limiter.retryAfterMs("user:a", 1)).toBeGreaterThan(0);
    limiter.reset("user:a");
    expect(limiter.retryAfterMs("user:a", 1)).toBe(0);
  });
});

describe("SignInLimiter", () => {
  const limits = { perClient: 20, perUser: 5, unknownClients: 50, windowMs: 15 * 60_000 };
  it("refuses a client after 20 failures, whatever names it tries; other clients still may", () => {
    const limiter = new SignInLimiter(limits);
    for (let i = 0; i < 20; i++) {
      expect(limiter.retryAfterMs("10.0.0.1", `nobody-${i}`, 0)).toBe(0);
      limiter.recordFailure("10.0.0.1", `nobody-${i}`, 0);
    }
    expect(limiter.retryAfterMs("10.0.0.1", "ann", 0)).toBe(15 * 60_000);
    expect(limiter.retryAfterMs("10.0.0.2", "ann", 0)).toBe(0);
    expect(limiter.retryAfterMs("10.0.0.1", "ann", 15 * 60_000)).toBe(0);
  });
  it("refuses a user name after 5 failures from anywhere, until a success clears it", () => {
    const limiter = new SignInLimiter(limits);
    for (let i = 0; i < 5; i++) limiter.recordFailure(`10.0.1.${i}`, "ann", 0);
    expect(limiter.retryAfterMs("10.0.2.1", "ann", 1)).toBeGreaterThan(0);
    expect(limiter.retryAfterMs("10.0.2.1", "bob", 1)).toBe(0);
    limiter.recordSuccess("ann");
    expect(limiter.retryAfterMs("10.0.2.1", "ann", 1)).toBe(0);
  });
  it("puts every client whose address is unknown under one shared budget", () => {
    const limiter = new SignInLimiter(limits);
    for (let i = 0; i < 50; i++) limiter.recordFailure(null, `someone-${i}`, 0);
    expect(limiter.retryAfterMs(null, "ann", 0)).toBeGreaterThan(0);
    expect(limiter.retryAfterMs("10.0.0.3", "ann", 0)).toBe(0);
  });
});
