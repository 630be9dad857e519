import { describe, expect, it } from "vitest";
import {
  addressKey,
  backoffWaitMs,
  countFailure,
  DEFAULT_SIGN_IN_LIMITS,
  liveCount,
  SIGN_IN_SLOTS,
  signInBegun,
  signInCounterIds,
  signInSettled,
  signInWaitMs,
  type FailureCount,
  type SignInCounts,
} from "./rate-limiter";

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

describe("liveCount", () => {
  it("forgets a counter after forgetAfterMs without failures", () => {
    const rule = { free: 1, baseDelayMs: SECOND, maxDelayMs: MINUTE, forgetAfterMs: 15 * MINUTE };
    expect(liveCount({ failures: 2, lastAt: 0 }, rule, 15 * MINUTE)?.failures).toBe(2);
    expect(liveCount({ failures: 2, lastAt: 0 }, rule, 15 * MINUTE + 1)).toBeUndefined();
    expect(liveCount({ failures: 0, lastAt: 0 }, rule, 0)).toBeUndefined();
  });
});

/** The rules applied to counters in a Map, as the database store applies them to rows. */
function limiter() {
  const stored = new Map<string, FailureCount>();
  const at = (client: string | null, name: string) => signInCounterIds(client, name);
  const read = (client: string | null, name: string): SignInCounts => {
    const ids = at(client, name);
    return Object.fromEntries(SIGN_IN_SLOTS.map((slot) => [slot, stored.get(JSON.stringify(ids[slot]))]));
  };
  const write = (client: string | null, name: string, counts: SignInCounts) => {
    const ids = at(client, name);
    for (const slot of SIGN_IN_SLOTS) {
      const count = counts[slot];
      if (count) stored.set(JSON.stringify(ids[slot]), count);
      else stored.delete(JSON.stringify(ids[slot]));
    }
  };
  const limits = DEFAULT_SIGN_IN_LIMITS;
  return {
    retryAfterMs: (client: string | null, name: string, now: number) => signInWaitMs(at(client, name), read(client, name), limits, now),
    recordFailure: (client: string | null, name: string, now: number) => write(client, name, countFailure(at(client, name), read(client, name), limits, now)),
    begin(client: string | null, name: string, now: number) {
      const begun = signInBegun(at(client, name), read(client, name), limits, now);
      write(client, name, begun.counts);
      return begun.waitMs;
    },
    settle: (client: string | null, name: string, succeeded: boolean, now: number) => write(client, name, signInSettled(at(client, name), read(client, name), limits, succeeded, now)),
    counters: () => stored.size,
  };
}

describe("SignInLimiter", () => {
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

  it("a success clears the (name, address) counter and takes back only its own failure from the address and the name", () => {
    const l = limiter();
    for (let i = 0; i < 6; i++) l.recordFailure("203.0.113.9", "admin", 0);
    for (let i = 0; i < 10; i++) l.recordFailure("203.0.113.9", `nobody-${i}`, 0);
    expect(l.retryAfterMs("203.0.113.9", "admin", 0)).toBe(2 * SECOND);
    expect(l.begin("203.0.113.9", "admin", 2 * SECOND)).toBe(0);
    l.settle("203.0.113.9", "admin", true, 2 * SECOND);
    expect(l.retryAfterMs("203.0.113.9", "admin", 2 * SECOND)).toBe(0);
    // The address keeps its 16 failures: 4 more and it waits.
    for (let i = 0; i < 4; i++) l.recordFailure("203.0.113.9", `other-${i}`, 2 * SECOND);
    expect(l.retryAfterMs("203.0.113.9", "bob", 2 * SECOND)).toBe(SECOND);
  });

  it("a refused attempt counts nothing, and a counter forgotten by time starts again from one", () => {
    const l = limiter();
    for (let i = 0; i < 5; i++) l.recordFailure("203.0.113.9", "admin", 0);
    expect(l.begin("203.0.113.9", "admin", 0)).toBe(SECOND);
    expect(l.retryAfterMs("203.0.113.9", "admin", 0)).toBe(SECOND);
    expect(l.begin("203.0.113.9", "admin", 15 * MINUTE + 1)).toBe(0);
    l.settle("203.0.113.9", "admin", false, 15 * MINUTE + 1);
    expect(l.retryAfterMs("203.0.113.9", "admin", 15 * MINUTE + 1)).toBe(0);
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

  it("keys any name apart from its address, also names with a NUL or the pair's own punctuation in them", () => {
    const ids = signInCounterIds("203.0.113.9", 'a"\u0000,"b');
    expect(ids.pair.key).not.toContain("\u0000");
    expect(JSON.parse(ids.pair.key)).toEqual(["203.0.113.9", 'a"\u0000,"b']);
    expect(signInCounterIds(null, "ann").client).toEqual({ kind: "unknown", key: "(unknown)" });
    expect(signInCounterIds("::ffff:192.0.2.1", "ann").client).toEqual({ kind: "client", key: "192.0.2.1" });
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
