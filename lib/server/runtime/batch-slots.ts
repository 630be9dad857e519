/**
 * How many batches of all jobs read and commit at the same time. A batch holds its records in
 * memory and keeps a CPU busy while it decodes and aggregates; on a small machine more at once only
 * adds memory, not speed. Waiters are served first come, first served, so a slow job holds at most
 * one slot and the other jobs take turns on the rest.
 */
export class BatchSlots {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = Math.max(1, size);
  }

  /**
   * A slot now, or null when none is free (or someone waits for one): for work that may be skipped,
   * such as reading a batch ahead, and must not keep a waiting job from its turn.
   */
  tryAcquire(): (() => void) | null {
    if (this.free === 0 || this.waiters.length > 0) return null;
    this.free -= 1;
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.free += 1;
    };
  }

  /** Resolves with a release function once a slot is free; rejects if the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(this.releaser());
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason ?? new Error("aborted"));
      };
      if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
      if (this.free > 0) {
        this.free -= 1;
        grant();
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(grant);
    });
  }
}
