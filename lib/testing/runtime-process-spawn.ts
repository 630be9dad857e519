/** Test only: the runtime as a real OS process (lib/server/runtime/runtime-process.ts), for crash and cluster tests. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.join(import.meta.dirname, "../..");
const script = path.join(root, "lib/server/runtime/runtime-process.ts");

export interface SpawnedRuntime {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
}

/** Starts runtime-process.ts with `env` over this process's environment; `args` such as `--instance`. */
export function spawnRuntimeProcess(env: Record<string, string>, args: string[] = []): SpawnedRuntime {
  // node --import tsx: one process (the tsx CLI would put a second one in between and SIGKILL would miss it).
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}
