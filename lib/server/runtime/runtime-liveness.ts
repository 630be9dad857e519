/** How long a restarted runtime process must stay up before the crash before it counts as over. */
export const RUNTIME_STABLE_MS = 30_000;

/**
 * Whether the job runtime process is down, from when it was spawned and when it exited unexpectedly. Down
 * from a crash until a process started after it has stayed up for `stableMs`: a crash loop (up a few
 * seconds, down again) reads as one outage, not as many short ones. Pure: RuntimeChild feeds it.
 */
export class RuntimeLiveness {
  private spawnedAt: number | null = null;
  private alive = false;
  private since: number | null = null;

  constructor(private readonly stableMs = RUNTIME_STABLE_MS) {}

  spawned(nowMs: number): void {
    this.spawnedAt = nowMs;
    this.alive = true;
  }

  /** The process ended without being asked to. */
  exited(nowMs: number): void {
    // A process that had been up long enough ended the earlier outage: this is a new one.
    if (this.since === null || this.stableSince(nowMs)) this.since = nowMs;
    this.alive = false;
  }

  /** When the runtime went down (epoch ms), or null while it runs. */
  downSince(nowMs: number): number | null {
    if (this.since !== null && this.alive && this.stableSince(nowMs)) this.since = null;
    return this.since;
  }

  private stableSince(nowMs: number): boolean {
    return this.spawnedAt !== null && nowMs - this.spawnedAt >= this.stableMs;
  }
}
