/** A part of the server with a start and a stop, started in list order and stopped in reverse. */
export interface Service {
  name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
  /**
   * Called on every started service before any `stop()`, in reverse order, without waiting: a part that
   * takes long to drain (the runtime's batch in flight) starts draining while the others stop.
   */
  beginStop?(): void;
}

export interface Lifecycle {
  /** Stops what started, in reverse order. Idempotent: a second call returns the first call's promise. */
  stop(): Promise<void>;
  /** Names of the services that are running (started and not yet stopped), in start order. */
  running(): string[];
}

export interface LifecycleLog {
  error(message: string, error: unknown): void;
}

/**
 * Starts `services` one after another. When a start throws, the ones already started are stopped in
 * reverse order and the start error is rethrown, so a failed boot leaves nothing running.
 */
export async function startServices(services: readonly Service[], log: LifecycleLog = console): Promise<Lifecycle> {
  const started: Service[] = [];
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= stopInReverse(started, log));
  for (const service of services) {
    try {
      await service.start();
    } catch (error) {
      await stop();
      throw error;
    }
    started.push(service);
  }
  return { stop, running: () => started.map((s) => s.name) };
}

// A stop that throws is logged and the rest still stop: one broken part must not leave others running.
async function stopInReverse(started: Service[], log: LifecycleLog): Promise<void> {
  const reversed = [...started].reverse();
  for (const service of reversed) {
    try {
      service.beginStop?.();
    } catch (error) {
      log.error(`[tidemark] error while stopping ${service.name}`, error);
    }
  }
  while (started.length > 0) {
    const service = started.pop()!;
    try {
      await service.stop();
    } catch (error) {
      log.error(`[tidemark] error while stopping ${service.name}`, error);
    }
  }
}

export interface SignalOptions {
  /** Exit the process after stopping (Next.js leaves the signals to us with NEXT_MANUAL_SIG_HANDLE). */
  exit: boolean;
  /** With `exit`: exit after this long even if stopping has not finished. */
  deadlineMs: number;
  /**
   * With `exit`: "signal" exits 130/143 as a shell reports a signal (the web server); "outcome" exits 0
   * after a clean stop and 1 otherwise (the runtime process, whose parent and tests read the code).
   */
  exitCode?: "signal" | "outcome";
  /** Logged on the first signal: "<signal>: <announce>". */
  announce?: string;
}

type SignalTarget = Pick<NodeJS.Process, "on" | "exit">;

/**
 * The process's one SIGTERM/SIGINT handler: stops once, then exits if `exit`.
 * The listener stays after the first signal: Ctrl-C under `npm start` signals twice (the terminal, then
 * scripts/start.ts), and a second signal falling through to Node's default would exit mid-commit.
 */
export function stopOnSignals(stop: () => Promise<void>, options: SignalOptions, target: SignalTarget = process): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    if (options.announce) console.log(`[tidemark] ${signal}: ${options.announce}`);
    const byOutcome = options.exitCode === "outcome";
    const signalCode = signal === "SIGINT" ? 130 : 143;
    if (options.exit) {
      setTimeout(() => {
        console.error(`[tidemark] did not stop within ${options.deadlineMs} ms; exiting`);
        target.exit(byOutcome ? 1 : signalCode);
      }, options.deadlineMs).unref();
    }
    void stop().then(
      () => {
        if (options.exit) target.exit(byOutcome ? 0 : signalCode);
      },
      (error: unknown) => {
        console.error("[tidemark] error while stopping", error);
        if (options.exit) target.exit(byOutcome ? 1 : signalCode);
      },
    );
  };
  target.on("SIGTERM", onSignal);
  target.on("SIGINT", onSignal);
}
