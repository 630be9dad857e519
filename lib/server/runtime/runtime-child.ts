import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { MEMORY_ENV, MEMORY_NODE_FLAGS } from "../memory-flags";
import { bundleRuntime, RUNTIME_PROCESS_SOURCE } from "./runtime-bundle";
import { SupervisedRuntime, type RuntimeInstance, type RuntimeLauncher } from "./runtime-supervisor";

export interface RuntimeLaunchOptions {
  /** Environment of the runtime (DATABASE_URL, KAFKA_BROKERS, …). */
  env: NodeJS.ProcessEnv;
  /** The repository root (where node_modules and lib/ are). */
  cwd: string;
}

/** Unix niceness of the runtime (0 normal, 19 lowest). */
export const RUNTIME_NICENESS = 10;

/**
 * V8's young generation for the runtime. A batch allocates a few hundred bytes per record that live until
 * its commit; with V8's default 16 MB young generation most of it was copied by scavenges and then
 * promoted, and garbage collection took a third of the runtime's CPU.
 */
export const RUNTIME_SEMI_SPACE_MB = semiSpaceMb(process.env.TIDEMARK_RUNTIME_SEMI_SPACE_MB);
export const RUNTIME_NODE_FLAGS = [`--max-semi-space-size=${RUNTIME_SEMI_SPACE_MB}`, ...MEMORY_NODE_FLAGS];

function semiSpaceMb(value: string | undefined): number {
  const mb = Number(value ?? 16);
  return Number.isInteger(mb) && mb >= 1 && mb <= 1024 ? mb : 16;
}

/**
 * The job runtime (runtime-process.ts) as a child process of the web server: batches decode and
 * aggregate on their own CPU and heap. The child stops gracefully on SIGTERM, and by itself when the
 * server dies (its IPC channel closes).
 */
export function runtimeProcess(opts: RuntimeLaunchOptions): SupervisedRuntime {
  return new SupervisedRuntime(new ProcessLauncher(opts));
}

class ProcessLauncher implements RuntimeLauncher {
  readonly kind = "process";
  private entry: string[] = [];

  constructor(private readonly opts: RuntimeLaunchOptions) {}

  async prepare(): Promise<void> {
    const bundle = bundleRuntime(this.opts.cwd, RUNTIME_PROCESS_SOURCE);
    this.entry = bundle ? [bundle] : ["--import", "tsx", path.join(this.opts.cwd, RUNTIME_PROCESS_SOURCE)];
  }

  launch(): RuntimeInstance {
    const child = spawn(process.execPath, [...RUNTIME_NODE_FLAGS, ...this.entry], {
      cwd: this.opts.cwd,
      env: { ...MEMORY_ENV, ...this.opts.env, TIDEMARK_RUNTIME_CHILD: "1" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    // Batches run at a lower CPU priority than the web server: on a busy machine a request waits for
    // the CPU behind no batch (jobs lose nothing when the server is idle).
    try {
      if (child.pid) os.setPriority(child.pid, RUNTIME_NICENESS);
    } catch {
      // not permitted here: the child runs at the server's priority
    }
    const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(String(signal ?? code))));
    return {
      exited,
      requestStop: () => child.kill("SIGTERM"),
      kill: () => child.kill("SIGKILL"),
    };
  }
}
