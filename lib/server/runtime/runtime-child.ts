import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { RuntimeLiveness } from "./runtime-liveness";
import { MEMORY_ENV, MEMORY_NODE_FLAGS } from "../memory-flags";

export interface RuntimeChildOptions {
  /** Environment of the child (DATABASE_URL, KAFKA_BROKERS, …). */
  env: NodeJS.ProcessEnv;
  /** The repository root (where node_modules/tsx and lib/ are). */
  cwd: string;
}

const STOP_TIMEOUT_MS = 9_000;
/** Unix niceness of the runtime process (0 normal, 19 lowest). */
const RUNTIME_NICENESS = 10;

/**
 * V8 flags of the runtime process. A batch allocates a few hundred bytes per record that live until
 * its commit; with V8's default 16 MB young generation most of it was copied by scavenges and then
 * promoted, and garbage collection took a third of the runtime's CPU.
 */
export const RUNTIME_NODE_FLAGS = [`--max-semi-space-size=${semiSpaceMb(process.env.TIDEMARK_RUNTIME_SEMI_SPACE_MB)}`, ...MEMORY_NODE_FLAGS];

function semiSpaceMb(value: string | undefined): number {
  const mb = Number(value ?? 16);
  return Number.isInteger(mb) && mb >= 1 && mb <= 1024 ? mb : 16;
}

/**
 * Runs the job runtime (runtime-process.ts) as a child process of the web server: batches decode
 * and aggregate on their own event loop and CPU, so a busy job never delays an API request. The child
 * stops gracefully on SIGTERM, and by itself when the server dies (its IPC channel closes). A child
 * that crashes is started again after a pause; its jobs resume from their committed offsets.
 */
export class RuntimeChild {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  private readonly liveness = new RuntimeLiveness();

  constructor(private readonly opts: RuntimeChildOptions) {}

  private entry: string[] = [];

  /** When the runtime process went down unexpectedly (epoch ms), null while it runs: for alerting (job-not-running). */
  downSince(): number | null {
    return this.liveness.downSince(Date.now());
  }

  async start(): Promise<void> {
    const bundle = bundleRuntime(this.opts.cwd);
    this.entry = bundle ? [bundle] : ["--import", "tsx", path.join(this.opts.cwd, RUNTIME_SOURCE)];
    this.spawn();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    const child = spawn(process.execPath, [...RUNTIME_NODE_FLAGS, ...this.entry], {
      cwd: this.opts.cwd,
      env: { ...MEMORY_ENV, ...this.opts.env, TIDEMARK_RUNTIME_CHILD: "1" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child = child;
    this.liveness.spawned(Date.now());
    // Batches run at a lower CPU priority than the web server: on a busy machine a request waits for
    // the CPU behind no batch (jobs lose nothing when the server is idle).
    try {
      if (child.pid) os.setPriority(child.pid, RUNTIME_NICENESS);
    } catch {
      // not permitted here: the child runs at the server's priority
    }
    child.on("exit", (code, signal) => {
      if (this.stopping) return;
      this.liveness.exited(Date.now());
      this.restarts += 1;
      const delay = Math.min(30_000, 1000 * this.restarts);
      console.error(`[tidemark] job runtime process exited (${signal ?? code}); starting it again in ${delay} ms`);
      setTimeout(() => {
        if (!this.stopping) this.spawn();
      }, delay).unref();
    });
  }
}

const RUNTIME_SOURCE = "lib/server/runtime/runtime-process.ts";

/**
 * The runtime bundled into one ES module with esbuild (a fraction of a second, at every server start,
 * so it is never stale): the child then needs no TypeScript loader, which saves it ~30 MB. Packages
 * stay external (loaded from node_modules). Null when bundling fails: the child then runs through tsx.
 */
export function bundleRuntime(cwd: string): string | null {
  const outfile = path.join(cwd, process.env.NEXT_DIST_DIR || ".next", "tidemark-runtime", "runtime-process.mjs");
  // Written aside and renamed: two servers sharing a build (the e2e suite) never see a half-written file.
  const written = `${outfile}.${process.pid}.tmp`;
  const esbuild = path.join(cwd, "node_modules", "esbuild", "bin", "esbuild");
  const args = [RUNTIME_SOURCE, "--bundle", "--platform=node", "--format=esm", "--target=node20", "--packages=external", `--outfile=${written}`, "--log-level=error"];
  const result = spawnSync(esbuild, args, { cwd, encoding: "utf8", timeout: 60_000 });
  if (result.status === 0) {
    try {
      fs.renameSync(written, outfile);
      return outfile;
    } catch (error) {
      result.stderr = error instanceof Error ? error.message : String(error);
    }
  }
  console.warn(`[tidemark] could not bundle the job runtime (${(result.stderr || result.error?.message || "").trim()}); running it through tsx`);
  return null;
}
