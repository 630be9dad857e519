import { describe, expect, it } from "vitest";
import { addressKey, backoffWaitMs, DEFAULT_SIGN_IN_LIMITS, FailureCounters, SignInLimiter } from "./rate-limiter";

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe("backoffWaitMs", () => {
  const rule = { free: 3, baseDelayMs: SECOND, maxDelayMs: 10 * SECOND, forgetAfterMs: 15 * MINUTE };
  it("is free up to `free` failures, then doubles per failure from the last one, up to the cap", () => {
    expect(backoffWaitMs(undefined, rule, 0)).toBe(0);
    expect(backoffWaitMs({ failures: 2, lastAt: 0 }, rule, 0)).toBe(0);
    expect([3, 4, 5, 6, 7, 50].map((failures) => backoffWaitMs({ failures, lastAt: 0 }, rule, 0))).toEqual([1, 2, 4, 8, 10, 10].map((s) => s * SECOND));
    expect(backoffWaitMs({ failures: 4, lastAt: 0 }, rule, 1500)).toBe(500);
    expect(backoffWaitMs({ failures: 4, lastAt: 0 }, rule, 2500)).toBe(0);
  });
});

describe("FailureCounters", () => {
  it("forgets a counter after forgetAfterMs without failures", () => {
    const counters = new FailureCounters({ free: 1, baseDelayMs: SECOND, maxDelayMs: MINUTE, forgetAfterMs: 15 * MINUTE }, 10);
    counters.recordFailure("k", 0);
    counters.recordFailure("k", 0);
    expect(counters.get("k", 15 * MINUTE)?.failures).toBe(2);
    expect(counters.get("k", 15 * MINUTE + 1)).toBeUndefined();
    expect(counters.size).toBe(0);
  });

  it("keeps at most `capacity` counters: those untouched for a whole generation (half the capacity) go first", () => {
    const counters = new FailureCounters(DEFAULT_SIGN_IN_LIMITS.perClient, 10);
    for (const key of ["a", "b", "c", "d", "e"]) counters.recordFailure(key, 0); // a generation full
    counters.recordFailure("a", 1); // touched: back into the current generation
    for (const key of ["f", "g", "h", "i"]) counters.recordFailure(key, 2); // the next one full: b-e dropped
    counters.recordFailure("j", 3);
    expect(counters.size).toBeLessThanOrEqual(10);
    expect(counters.get("b", 3)).toBeUndefined();
    expect(counters.get("a", 3)?.failures).toBe(2);
    expect(counters.get("i", 3)?.failures).toBe(1);
  });
});

const byte = () => Math.floor(Math.random() * 256);

describe("SignInLimiter", () => {
  const limiter = () => new SignInLimiter();

  it("five failures for admin from one address do not hold back the right password from another address", () => {
    const l = limiter();
    for (let i = 0; i < 5; i++) {
      expect(l.retryAfterMs("203.0.113.9", "admin", i * SECOND)).toBe(0);
      l.recordFailure("203.0.113.9", "admin", i * SECOND);
    }
    expect(l.retryAfterMs("203.0.113.9", "admin", 4 * SECOND)).toBe(SECOND);
    expect(l.retryAfterMs("192.0.2.1", "admin", 4 * SECOND)).toBe(0);
  });

  it("slows a (name, address) pair down with a wait that doubles per failure, and never locks it for longer than 15 minutes", () => {
    const l = limiter();
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 20; i++) {
      now += l.retryAfterMs("203.0.113.9", "admin", now);
      l.recordFailure("203.0.113.9", "admin", now);
      waits.push(l.retryAfterMs("203.0.113.9", "admin", now));
    }
    expect(waits.slice(0, 8)).toEqual([0, 0, 0, 0, 1, 2, 4, 8].map((s) => s * SECOND));
    expect(Math.max(...waits)).toBe(15 * MINUTE);
  });

  it("begin counts an attempt at once; settle takes it back on success, or dates the failure when it is known", () => {
    const l = limiter();
    for (let i = 0; i < 19; i++) l.recordFailure("203.0.113.9", `nobody-${i}`, 0);
    expect(l.begin("203.0.113.9", "ann", 0)).toBe(0);
    // While ann's password is being checked, the address stands at 20 failures.
    expect(l.retryAfterMs("203.0.113.9", "bob", 0)).toBe(SECOND);
    l.settle("203.0.113.9", "ann", true, 100);
    expect(l.retryAfterMs("203.0.113.9", "bob", 100)).toBe(0);
    expect(l.begin("203.0.113.9", "bob", 200)).toBe(0);
    l.settle("203.0.113.9", "bob", false, 700); // the failure is known after the slow hash
    expect(l.retryAfterMs("203.0.113.9", "carol", 700)).toBe(SECOND);
  });

  it("a success clears the (name, address) counter", () => {
    const l = limiter();
    for (let i = 0; i < 6; i++) l.recordFailure("203.0.113.9", "admin", 0);
    expect(l.retryAfterMs("203.0.113.9", "admin", 0)).toBe(2 * SECOND);
    l.recordSuccess("203.0.113.9", "admin");
    expect(l.retryAfterMs("203.0.113.9", "admin", 0)).toBe(0);
  });

  it("a name under attack from many addresses: a fresh address still gets through; one that failed for the name is slowed", () => {
    const l = limiter();
    for (let i = 0; i < 200; i++) l.recordFailure(`198.51.100.${i}`, "admin", 0);
    expect(l.retryAfterMs("192.0.2.1", "admin", 0)).toBe(0);
    expect(l.retryAfterMs("198.51.100.7", "admin", 0)).toBe(15 * MINUTE);
    // The same address may still sign in as someone else.
    expect(l.retryAfterMs("198.51.100.7", "bob", 0)).toBe(0);
  });

  it("20 failures from one address with any names slow that address down for every name; other addresses carry on", () => {
    const l = limiter();
    for (let i = 0; i < 20; i++) l.recordFailure("203.0.113.9", `nobody-${i}`, 0);
    expect(l.retryAfterMs("203.0.113.9", "admin", 0)).toBe(SECOND);
    expect(l.retryAfterMs("192.0.2.1", "admin", 0)).toBe(0);
    expect(l.retryAfterMs("203.0.113.9", "admin", 15 * MINUTE + 1)).toBe(0);
  });

  it("counts an IPv6 client by its /64, so rotating through it gains nothing", () => {
    const l = limiter();
    for (let i = 0; i < 20; i++) l.recordFailure(`2001:db8:1:2::${(i + 1).toString(16)}`, `nobody-${i}`, 0);
    expect(l.retryAfterMs("2001:db8:1:2:ffff::1", "admin", 0)).toBe(SECOND);
    expect(l.retryAfterMs("2001:db8:1:3::1", "admin", 0)).toBe(0);
  });

  it("puts every client whose address is unknown under one shared counter (50 free failures)", () => {
    const l = limiter();
    for (let i = 0; i < 50; i++) l.recordFailure(null, `someone-${i}`, 0);
    expect(l.retryAfterMs(null, "ann", 0)).toBeGreaterThan(0);
    expect(l.retryAfterMs("10.0.0.3", "ann", 0)).toBe(0);
  });

  it("stays within its capacity under a spray of a million random names from 50,000 addresses", { timeout: 60_000 }, () => {
    const l = limiter();
    const addresses = Array.from({ length: 50_000 }, () => `10.${byte()}.${byte()}.${byte()}`);
    for (let i = 0; i < 1_000_000; i++) l.recordFailure(addresses[i % addresses.length], `${i.toString(36)}-${byte()}`, i);
    const sizes = l.sizes();
    expect(Math.max(sizes.pairs, sizes.clients, sizes.users)).toBeLessThanOrEqual(DEFAULT_SIGN_IN_LIMITS.capacity);
    expect(sizes.users).toBeGreaterThanOrEqual(DEFAULT_SIGN_IN_LIMITS.capacity / 2);
  });
});

describe("addressKey", () => {
  it("keeps IPv4 as it is (also IPv4-mapped) and reduces IPv6 to its /64", () => {
    expect(addressKey("192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("2001:db8:0:1:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(addressKey("2001:DB8:0:1::5")).toBe("2001:db8:0:1::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });
});
