import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { Worker } from "node:worker_threads";
import { bundleRuntime, RUNTIME_THREAD_SOURCE } from "./runtime-bundle";
import { RUNTIME_SEMI_SPACE_MB, type RuntimeLaunchOptions } from "./runtime-child";
import { SupervisedRuntime, type RuntimeInstance, type RuntimeLauncher } from "./runtime-supervisor";

/** Messages between the server and its runtime thread. */
export type RuntimeThreadMessage = { type: "stop" };

/**
 * The job runtime (runtime-thread-main.ts) in a worker thread of the web server: its own V8 heap and
 * event loop, so a busy batch never delays a request, but one Node process instead of two (about 60 MB
 * less than a child process: one copy of Node's code and libraries, one malloc; BENCHMARKS.md).
 * An uncaught error ends the thread, not the server, and the thread is started again.
 */
export function runtimeThread(opts: RuntimeLaunchOptions): SupervisedRuntime {
  return new SupervisedRuntime(new ThreadLauncher(opts));
}

class ThreadLauncher implements RuntimeLauncher {
  readonly kind = "thread";
  private entry: string | null = null;

  constructor(private readonly opts: RuntimeLaunchOptions) {}

  async prepare(): Promise<void> {
    this.entry = bundleRuntime(this.opts.cwd, RUNTIME_THREAD_SOURCE);
    if (!this.entry) throw new Error("the job runtime could not be bundled for its worker thread (see the warning above)");
  }

  launch(): RuntimeInstance {
    // V8's --max-semi-space-size is process-wide and overrides a worker's resourceLimits, so the server's
    // 8 MB (npm start) would halve the runtime's young generation and double its scavenges (catch-up took
    // twice as long). V8 reads it only when a heap is created: the server's heap keeps its size.
    v8.setFlagsFromString(`--max-semi-space-size=${RUNTIME_SEMI_SPACE_MB}`);
    const worker = new Worker(this.entry!, {
      env: { ...this.opts.env, TIDEMARK_RUNTIME_THREAD: "1" },
      name: "tidemark-runtime",
      // V8's young generation is three semi-spaces: the same 16 MB semi-spaces as the runtime process.
      resourceLimits: { maxYoungGenerationSizeMb: RUNTIME_SEMI_SPACE_MB * 3 },
    });
    worker.on("error", (error) => console.error("[tidemark] job runtime thread failed", error));
    const exited = new Promise<string>((resolve) => worker.once("exit", (code) => resolve(`code ${code}`)));
    return {
      exited,
      requestStop: () => worker.postMessage({ type: "stop" } satisfies RuntimeThreadMessage),
      kill: () => void worker.terminate(),
    };
  }
}

/** The calling thread's kernel id (Linux), for a niceness of its own; null elsewhere. */
export function currentThreadId(): number | null {
  try {
    return Number(path.basename(fs.readlinkSync("/proc/thread-self")));
  } catch {
    return null;
  }
}
