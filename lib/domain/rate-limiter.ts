/**
 * Sign-in throttling as OWASP's Authentication Cheat Sheet advises: slow guessing down with a delay
 * that doubles per failure, instead of locking accounts, so that nobody can lock a user out by failing
 * on purpose. Time is passed in, so tests need no waiting.
 *
 * Failed sign-ins are counted per (user name, client address), per address and per name. A correct
 * password from an address that never failed for that name always gets through, whatever other
 * addresses do to the name: guessing is slowed where it happens, and the owner is not locked out.
 * The functions here take a sign-in's three counters as stored and return them as they are to be
 * stored (undefined: delete), so the storage (lib/server/auth/sign-in-counters-store.ts, shared by
 * every instance on one database) only reads and writes them.
 */

/** One counter's rule: `free` failures cost nothing, then each failure doubles the wait, up to `maxDelayMs`. */
export interface BackoffRule {
  free: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A counter with no failure for this long is forgotten. */
  forgetAfterMs: number;
}

export interface FailureCount {
  failures: number;
  lastAt: number;
}

/** The wait a counter imposes now: 0 within the free failures, then base·2^(failures−free) after the last one. */
export function backoffWaitMs(count: FailureCount | undefined, rule: BackoffRule, now: number): number {
  if (!count || count.failures < rule.free) return 0;
  const delay = Math.min(rule.baseDelayMs * 2 ** Math.min(count.failures - rule.free, 40), rule.maxDelayMs);
  return Math.max(0, count.lastAt + delay - now);
}

/** A counter as it counts now: none once `forgetAfterMs` has passed since its last failure. */
export function liveCount(count: FailureCount | undefined, rule: BackoffRule, now: number): FailureCount | undefined {
  return count && count.failures > 0 && now - count.lastAt <= rule.forgetAfterMs ? count : undefined;
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
}

const MINUTES = 60_000;
const rule = (free: number): BackoffRule => ({ free, baseDelayMs: 1000, maxDelayMs: 15 * MINUTES, forgetAfterMs: 15 * MINUTES });

/** README "Access control" states these numbers. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perUserAndClient: rule(5),
  perClient: rule(20),
  perUser: rule(10),
  unknownClients: rule(50),
};

/** The longest a counter counts: older ones may be deleted. */
export function longestForgetAfterMs(limits: SignInLimits): number {
  return Math.max(limits.perUserAndClient.forgetAfterMs, limits.perClient.forgetAfterMs, limits.perUser.forgetAfterMs, limits.unknownClients.forgetAfterMs);
}

export type CounterKind = "pair" | "client" | "user" | "unknown";
export interface CounterId {
  kind: CounterKind;
  key: string;
}

/**
 * The three counters one sign-in reads and counts: its (name, address) pair, its address (or the one
 * counter all unknown addresses share) and its name.
 */
export interface SignInCounterIds {
  pair: CounterId;
  client: CounterId;
  user: CounterId;
}
export type SignInSlot = keyof SignInCounterIds;
export const SIGN_IN_SLOTS: readonly SignInSlot[] = ["pair", "client", "user"];

/** The three counters' values as stored; a missing one has no failures. */
export type SignInCounts = Partial<Record<SignInSlot, FailureCount>>;

/** The key of the one counter all clients of unknown address share. */
const UNKNOWN = "(unknown)";

/** Names go into keys as JSON strings: any name can be stored (PostgreSQL's text holds no NUL) and a pair's parts stay apart. */
export function signInCounterIds(client: string | null, name: string): SignInCounterIds {
  return {
    pair: { kind: "pair", key: JSON.stringify([client === null ? UNKNOWN : addressKey(client), name]) },
    client: client === null ? { kind: "unknown", key: UNKNOWN } : { kind: "client", key: addressKey(client) },
    user: { kind: "user", key: JSON.stringify(name) },
  };
}

export function ruleOf(limits: SignInLimits, kind: CounterKind): BackoffRule {
  if (kind === "pair") return limits.perUserAndClient;
  if (kind === "client") return limits.perClient;
  if (kind === "user") return limits.perUser;
  return limits.unknownClients;
}

/** Milliseconds until this client may try this name again; 0 when it may try now. */
export function signInWaitMs(ids: SignInCounterIds, counts: SignInCounts, limits: SignInLimits, now: number): number {
  const live = liveCounts(ids, counts, limits, now);
  const waitOf = (slot: SignInSlot) => backoffWaitMs(live[slot], ruleOf(limits, ids[slot].kind), now);
  // The name's own counter slows only clients that have failed for it: a fresh address is never held back.
  const userWait = live.pair ? waitOf("user") : 0;
  return Math.max(waitOf("pair"), waitOf("client"), userWait);
}

/** One more failure on each counter, dated `now`. */
export function countFailure(ids: SignInCounterIds, counts: SignInCounts, limits: SignInLimits, now: number): SignInCounts {
  const live = liveCounts(ids, counts, limits, now);
  return Object.fromEntries(SIGN_IN_SLOTS.map((slot) => [slot, { failures: (live[slot]?.failures ?? 0) + 1, lastAt: now }]));
}

/**
 * A sign-in attempt starts: the milliseconds it must wait (refused), or 0, and then the attempt is
 * counted as a failure at once, before the slow password check. Parallel guesses thus see each other's
 * count instead of all passing the check together. `signInSettled` takes it back if the password was right.
 */
export function signInBegun(ids: SignInCounterIds, counts: SignInCounts, limits: SignInLimits, now: number): { waitMs: number; counts: SignInCounts } {
  const waitMs = signInWaitMs(ids, counts, limits, now);
  return { waitMs, counts: waitMs > 0 ? liveCounts(ids, counts, limits, now) : countFailure(ids, counts, limits, now) };
}

/**
 * An attempt `signInBegun` let through ends. A success clears the (name, address) counter and takes the
 * failure counted in advance back from the address and the name (not more: a sprayer may know one
 * password). A failure is dated `now`: the wait runs from when the failure was known.
 */
export function signInSettled(ids: SignInCounterIds, counts: SignInCounts, limits: SignInLimits, succeeded: boolean, now: number): SignInCounts {
  const live = liveCounts(ids, counts, limits, now);
  if (succeeded) return { client: refunded(live.client), user: refunded(live.user) };
  const touched = (count: FailureCount | undefined) => count && { failures: count.failures, lastAt: Math.max(count.lastAt, now) };
  return { pair: touched(live.pair), client: touched(live.client), user: touched(live.user) };
}

const refunded = (count: FailureCount | undefined) => (count && count.failures > 1 ? { failures: count.failures - 1, lastAt: count.lastAt } : undefined);

function liveCounts(ids: SignInCounterIds, counts: SignInCounts, limits: SignInLimits, now: number): SignInCounts {
  return Object.fromEntries(SIGN_IN_SLOTS.map((slot) => [slot, liveCount(counts[slot], ruleOf(limits, ids[slot].kind), now)]));
}


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
