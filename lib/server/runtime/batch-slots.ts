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

  /** Resolves with a release function once a slot is free; rejects if the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          const next = this.waiters.shift();
          if (next) next();
          else this.free += 1;
        });
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
