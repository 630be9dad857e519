/**
 * Counts failures per key in a sliding window; a key over its limit is refused until its oldest
 * failure leaves the window. Time is passed in, so tests need no waiting.
 */
export class FailureRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfterMs(key: string, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < this.maxFailures) return 0;
    return recent[recent.length - this.maxFailures] + this.windowMs - now;
  }

  recordFailure(key: string, now: number): void {
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }
}

/**
 * Failed sign-ins, counted per client address and per user name, so neither spraying many names
 * from one place nor guessing one account from many pays off. A client whose address cannot be
 * known (null) counts against one budget shared by all such clients.
 */
export class SignInLimiter {
  private readonly byClient: FailureRateLimiter;
  private readonly byUser: FailureRateLimiter;
  private readonly unknownClients: FailureRateLimiter;

  constructor(limits: { perClient: number; perUser: number; unknownClients: number; windowMs: number } = { perClient: 20, perUser: 5, unknownClients: 50, windowMs: 15 * 60_000 }) {
    this.byClient = new FailureRateLimiter(limits.perClient, limits.windowMs);
    this.byUser = new FailureRateLimiter(limits.perUser, limits.windowMs);
    this.unknownClients = new FailureRateLimiter(limits.unknownClients, limits.windowMs);
  }

  /** Milliseconds until this client may try this name again; 0 when it may try now. */
  retryAfterMs(client: string | null, name: string, now: number): number {
    return Math.max(this.clientLimiter(client).retryAfterMs(clientKey(client), now), this.byUser.retryAfterMs(name, now));
  }

  recordFailure(client: string | null, name: string, now: number): void {
    this.clientLimiter(client).recordFailure(clientKey(client), now);
    this.byUser.recordFailure(name, now);
  }

  /** A successful sign-in clears the name's failures (not the client's: a sprayer may know one password). */
  recordSuccess(name: string): void {
    this.byUser.reset(name);
  }

  private clientLimiter(client: string | null): FailureRateLimiter {
    return client ? this.byClient : this.unknownClients;
  }
}

const clientKey = (client: string | null) => client ?? "(unknown)";
