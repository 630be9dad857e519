import { RuntimeLiveness } from "./runtime-liveness";

/** One run of the job runtime outside the server's event loop: a child process or a worker thread. */
export interface RuntimeInstance {
  /** Settles when the runtime has ended, with what ended it (an exit code or a signal). */
  readonly exited: Promise<string>;
  /** Asks for a graceful stop: no new batch, the current one commits or rolls back, then it ends. */
  requestStop(): void;
  /** Ends it at once, as a crash would. */
  kill(): void;
}

export interface RuntimeLauncher {
  /** "process" or "thread": for log lines. */
  readonly kind: string;
  /** Once, before the first launch (bundling the runtime's code). */
  prepare(): Promise<void>;
  launch(): RuntimeInstance;
}

const STOP_TIMEOUT_MS = 9_000;

/**
 * Keeps the job runtime running beside the web server. A runtime that ends without being asked to is
 * started again after a pause that grows with each restart (up to 30 s); its jobs resume from their
 * committed offsets. `downSince` tells alerting (job-not-running) while it is down.
 */
export class SupervisedRuntime {
  private current: RuntimeInstance | null = null;
  private running = false;
  private stopping = false;
  private restarts = 0;
  private readonly liveness = new RuntimeLiveness();

  constructor(private readonly launcher: RuntimeLauncher) {}

  /** When the runtime went down unexpectedly (epoch ms), null while it runs. */
  downSince(): number | null {
    return this.liveness.downSince(Date.now());
  }

  async start(): Promise<void> {
    await this.launcher.prepare();
    this.launch();
  }

  /** Graceful stop; ended by force after 9 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    const instance = this.current;
    if (!instance || !this.running) return;
    instance.requestStop();
    const timer = setTimeout(() => instance.kill(), STOP_TIMEOUT_MS);
    await instance.exited;
    clearTimeout(timer);
  }

  /** Ends the current runtime abruptly, as a crash does; it is restarted like after any crash. */
  crash(): void {
    this.current?.kill();
  }

  private launch(): void {
    const instance = this.launcher.launch();
    this.current = instance;
    this.running = true;
    this.liveness.spawned(Date.now());
    void instance.exited.then((reason) => {
      this.running = false;
      if (this.stopping) return;
      this.liveness.exited(Date.now());
      this.restarts += 1;
      const delay = Math.min(30_000, 1000 * this.restarts);
      console.error(`[tidemark] job runtime ${this.launcher.kind} exited (${reason}); starting it again in ${delay} ms`);
      setTimeout(() => {
        if (!this.stopping) this.launch();
      }, delay).unref();
    });
  }
}
