import { describe, expect, it } from "vitest";
import { FailureRateLimiter } from "./rate-limiter";

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
