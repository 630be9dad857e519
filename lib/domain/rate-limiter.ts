/**
 * Sign-in throttling as OWASP's Authentication Cheat Sheet advises: slow guessing down with a delay
 * that doubles per failure, instead of locking accounts, so that nobody can lock a user out by failing
 * on purpose. Time is passed in, so tests need no waiting.
 */

/** One counter's rule: `free` failures cost nothing, then each failure doubles the wait, up to `maxDelayMs`. */
export interface BackoffRule {
  free: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A counter with no failure for this long is forgotten. */
  forgetAfterMs: number;
}

interface FailureCount {
  failures: number;
  lastAt: number;
}

/** The wait a counter imposes now: 0 within the free failures, then base·2^(failures−free) after the last one. */
export function backoffWaitMs(count: FailureCount | undefined, rule: BackoffRule, now: number): number {
  if (!count || count.failures < rule.free) return 0;
  const delay = Math.min(rule.baseDelayMs * 2 ** Math.min(count.failures - rule.free, 40), rule.maxDelayMs);
  return Math.max(0, count.lastAt + delay - now);
}

/**
 * Failure counters by key, at most `capacity` of them, however many names or addresses a client sprays.
 * Two generations (as hashlru does): counters go into `current`; when it holds half the capacity it
 * becomes `previous` and the old `previous`, the counters nobody touched for a whole generation, is
 * dropped. A counter touched while in `previous` moves back into `current`. O(1) per failure.
 */
export class FailureCounters {
  private current = new Map<string, FailureCount>();
  private previous = new Map<string, FailureCount>();

  constructor(
    readonly rule: BackoffRule,
    readonly capacity: number,
  ) {}

  get size(): number {
    return this.current.size + this.previous.size;
  }

  get(key: string, now: number): FailureCount | undefined {
    const count = this.current.get(key) ?? this.previous.get(key);
    if (count && now - count.lastAt > this.rule.forgetAfterMs) {
      this.forget(key);
      return undefined;
    }
    return count;
  }

  waitMs(key: string, now: number): number {
    return backoffWaitMs(this.get(key, now), this.rule, now);
  }

  recordFailure(key: string, now: number): void {
    const failures = (this.get(key, now)?.failures ?? 0) + 1;
    this.previous.delete(key);
    this.current.set(key, { failures, lastAt: now });
    if (this.current.size >= Math.max(1, Math.floor(this.capacity / 2))) {
      this.previous = this.current;
      this.current = new Map();
    }
  }

  forget(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  /** Takes one failure back (an attempt counted in advance that succeeded). */
  refund(key: string, now: number): void {
    const count = this.get(key, now);
    if (!count) return;
    if (count.failures <= 1) this.forget(key);
    else count.failures -= 1;
  }

  /** Moves the last failure's time to `now` (the wait runs from when the failure was known). */
  touch(key: string, now: number): void {
    const count = this.get(key, now);
    if (count) count.lastAt = Math.max(count.lastAt, now);
  }
}

export interface SignInLimits {
  /** Failures of one user name from one client address. */
  perUserAndClient: BackoffRule;
  /** Failures from one client address, whatever the names. */
  perClient: BackoffRule;
  /** Failures for one user name from all addresses; slows only addresses that failed for that name. */
  perUser: BackoffRule;
  /** Clients whose address cannot be known share one counter with this rule. */
  unknownClients: BackoffRule;
  /** Counters kept per kind at most. */
  capacity: number;
}

const MINUTES = 60_000;
const rule = (free: number): BackoffRule => ({ free, baseDelayMs: 1000, maxDelayMs: 15 * MINUTES, forgetAfterMs: 15 * MINUTES });

/** README "Access control" states these numbers. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perUserAndClient: rule(5),
  perClient: rule(20),
  perUser: rule(10),
  unknownClients: rule(50),
  capacity: 20_000,
};

/**
 * Failed sign-ins, counted per (user name, client address), per address and per name. A correct
 * password from an address that never failed for that name always gets through, whatever other
 * addresses do to the name: guessing is slowed where it happens, and the owner is not locked out.
 */
export class SignInLimiter {
  private readonly pairs: FailureCounters;
  private readonly clients: FailureCounters;
  private readonly users: FailureCounters;
  private readonly unknown: FailureCounters;

  constructor(readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS) {
    this.pairs = new FailureCounters(limits.perUserAndClient, limits.capacity);
    this.clients = new FailureCounters(limits.perClient, limits.capacity);
    this.users = new FailureCounters(limits.perUser, limits.capacity);
    this.unknown = new FailureCounters(limits.unknownClients, 1);
  }

  /**
   * Starts a sign-in attempt: the milliseconds it must wait (refused), or 0, and then the attempt is
   * counted as a failure at once, before the slow password check. Parallel guesses thus see each other's
   * count instead of all passing the check together. `settle` takes it back if the password was right.
   */
  begin(client: string | null, name: string, now: number): number {
    const wait = this.retryAfterMs(client, name, now);
    if (wait === 0) this.recordFailure(client, name, now);
    return wait;
  }

  /** Ends an attempt `begin` let through: a success takes its failure back, a failure is dated `now`. */
  settle(client: string | null, name: string, succeeded: boolean, now: number): void {
    const clientKey = client === null ? UNKNOWN : addressKey(client);
    const clients = client === null ? this.unknown : this.clients;
    if (succeeded) {
      this.recordSuccess(client, name);
      clients.refund(clientKey, now);
      this.users.refund(name, now);
    } else {
      this.pairs.touch(pairKey(client, name), now);
      clients.touch(clientKey, now);
      this.users.touch(name, now);
    }
  }

  /** Milliseconds until this client may try this name again; 0 when it may try now. */
  retryAfterMs(client: string | null, name: string, now: number): number {
    const pair = pairKey(client, name);
    const clientWait = client === null ? this.unknown.waitMs(UNKNOWN, now) : this.clients.waitMs(addressKey(client), now);
    // The name's own counter slows only clients that have failed for it: a fresh address is never held back.
    const userWait = this.pairs.get(pair, now) ? this.users.waitMs(name, now) : 0;
    return Math.max(this.pairs.waitMs(pair, now), clientWait, userWait);
  }

  recordFailure(client: string | null, name: string, now: number): void {
    this.pairs.recordFailure(pairKey(client, name), now);
    if (client === null) this.unknown.recordFailure(UNKNOWN, now);
    else this.clients.recordFailure(addressKey(client), now);
    this.users.recordFailure(name, now);
  }

  /** A success clears the (name, address) counter; not the address's (a sprayer may know one password) nor the name's. */
  recordSuccess(client: string | null, name: string): void {
    this.pairs.forget(pairKey(client, name));
  }

  /** Counters held, per kind (for tests of the memory bound). */
  sizes(): { pairs: number; clients: number; users: number } {
    return { pairs: this.pairs.size, clients: this.clients.size, users: this.users.size };
  }
}

const UNKNOWN = "(unknown)";
const pairKey = (client: string | null, name: string) => `${addressKey(client ?? UNKNOWN)}\u0000${name}`;

/**
 * The address a counter is kept for: an IPv4 address as it is (also when written IPv4-mapped, ::ffff:a.b.c.d),
 * an IPv6 address by its /64 network, since one host usually holds a whole /64 and could rotate through it.
 */
export function addressKey(address: string): string {
  if (!address.includes(":")) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const [head, tail] = address.split("%")[0].toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
