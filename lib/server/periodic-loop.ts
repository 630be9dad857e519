import type { Clock } from "@/lib/domain/ports";

/**
 * Runs `tick` every `intervalMs` (measured start to start), or sooner when woken, until `signal` aborts. A
 * failing tick is reported once, and its recovery once, instead of on every tick.
 */
export async function runPeriodically(opts: {
  clock: Clock;
  intervalMs: number;
  signal: AbortSignal;
  tick: () => Promise<unknown>;
  /** What the loop does, for its messages: "lag sampling", "alert evaluation". */
  activity: string;
  say: (message: string) => void;
  /** Asked before each tick: when the signal it returns aborts, the wait after that tick ends at once. */
  wakeSignal?: () => AbortSignal;
}): Promise<void> {
  const { clock, intervalMs, signal, tick, activity, say } = opts;
  let lastError: string | null = null;
  while (!signal.aborted) {
    const started = clock.now();
    const wake = opts.wakeSignal?.();
    try {
      await tick();
      if (lastError) say(`${activity} works again`);
      lastError = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastError) say(`${activity} failed: ${message}`);
      lastError = message;
    }
    await clock.sleep(Math.max(0, intervalMs - (clock.now() - started)), wake ? AbortSignal.any([signal, wake]) : signal);
  }
}

const logToConsole = (message: string) => console.log(`[tidemark] ${message}`);

/** A background duty that runs `runOnce` at start and every `intervalMs` until stopped (the pruners). */
export abstract class PeriodicTask {
  protected readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  protected readonly say: (message: string) => void;

  constructor(private readonly schedule: { clock: Clock; intervalMs: number; activity: string; say?: (message: string) => void }) {
    this.say = schedule.say ?? logToConsole;
  }

  abstract runOnce(): Promise<unknown>;

  start(): void {
    const { clock, intervalMs, activity } = this.schedule;
    this.loop ??= runPeriodically({ clock, intervalMs, signal: this.abort.signal, tick: () => this.runOnce(), activity, say: this.say });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}
