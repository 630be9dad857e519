/**
 * What the benchmarks share: a broker (local on free ports, or KAFKA_BROKERS), the runtime process
 * with per-batch timings, memory figures read from /proc, and the machine's load.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBroker, type LocalBroker } from "../kafka/broker";
import { RUNTIME_NODE_FLAGS } from "../../lib/server/runtime/runtime-child";
import { MEMORY_ENV } from "../../lib/server/memory-flags";

export const root = path.resolve(import.meta.dirname, "../..");
export const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
export const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Child processes to kill when a benchmark ends or fails. */
export const children: ChildProcess[] = [];

/**
 * Runs `bench` against KAFKA_BROKERS, or a broker of its own in `tmp`, then stops what it started
 * and removes `tmp`. Exits the process with 0, or 1 on an error.
 */
export function runBench(bench: (brokers: string[], tmp: string) => Promise<void>, opts: { heapMb?: number } = {}): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-bench-"));
  let broker: LocalBroker | null = null;
  const cleanup = async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await broker?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  (async () => {
    let brokers = (process.env.KAFKA_BROKERS ?? "").split(",").filter(Boolean);
    if (brokers.length === 0) {
      console.log("starting a local broker…");
      broker = await startBroker({ dataDir: path.join(tmp, "kafka"), heapMb: opts.heapMb ?? 1024 });
      brokers = broker.brokers;
    }
    await bench(brokers, tmp);
  })().then(
    async () => {
      await cleanup();
      process.exit(0);
    },
    async (error: unknown) => {
      console.error(error);
      await cleanup().catch(() => {});
      process.exit(1);
    },
  );
}

/** Summed per-batch read and commit times of a runtime process (TIDEMARK_DEBUG_TIMING). */
export interface BatchTiming {
  readMs: number;
  commitMs: number;
}

/**
 * The runtime alone as a process (runtime-process.ts, with the V8 flags `next start` gives its
 * runtime child), with per-batch timings on (TIDEMARK_DEBUG_TIMING) summed into `timing`.
 */
export function startRuntimeProcess(
  databaseUrl: string,
  brokers: string[],
  timing: BatchTiming,
  env: Record<string, string> = {},
  script = path.join(root, "lib/server/runtime/runtime-process.ts"),
): ChildProcess {
  const child = spawn(process.execPath, [...RUNTIME_NODE_FLAGS, "--import", "tsx", script], {
    cwd: root,
    env: {
      ...MEMORY_ENV,
      ...process.env,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers.join(","),
      KAFKA_CLIENT_ID: "bench",
      TIDEMARK_RECONCILE_INTERVAL_MS: "100",
      TIDEMARK_DEBUG_TIMING: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    for (const m of text.matchAll(/read (\d+) ms, commit (\d+) ms/g)) {
      timing.readMs += Number(m[1]);
      timing.commitMs += Number(m[2]);
    }
  });
  children.push(child);
  return child;
}

/** 1-, 5- and 15-minute load averages, as `uptime` prints them. */
export const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(", ");

/** One line on the machine for a results table. */
export const machine = () =>
  `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;

/** RSS (VmRSS) of a process, in kB; 0 once it is gone. */
export function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Peak RSS (VmHWM) of a process, in kB. */
export function peakRssKb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** User + system CPU seconds a live process has used (/proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every process whose command is `postgres` (the server and its backends, live ones only). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, "utf8").trim() === "postgres") total += cpuSeconds(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Linux's USER_HZ: /proc times count in these. */
const CLOCK_TICKS = 100;

/** RSS of a process and its descendants (next start may fork), in kB; `parts` gets each process's share by name. */
export function treeRssKb(pid: number, parts?: Map<string, number>): number {
  const all = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  const parent = new Map<number, number>();
  for (const d of all) {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of parent) {
      if (!tree.has(p) && tree.has(pp)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const p of tree) {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      total += kb;
      if (parts) parts.set(processName(p, status), kb);
    } catch {
      // gone
    }
  }
  return total;
}

/** A short name for a process of the server's tree: its title, or its script's file name. */
export function processName(pid: number, status: string): string {
  const title = /Name:\s+(\S+)/.exec(status)?.[1] ?? String(pid);
  if (title !== "node" && title !== "MainThread") return title;
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  return path.basename(argv.find((a) => /\.(m?js|ts)$/.test(a)) ?? title);
}

/** Resident memory of each process of the tree by mapping (anonymous, malloc heap, the node binary, ...). */
export function mappingsOfTree(pid: number): string {
  const lines: string[] = [];
  for (const p of [pid, ...childrenOf(pid)]) {
    try {
      const byMapping = new Map<string, number>();
      let current = "";
      for (const line of fs.readFileSync(`/proc/${p}/smaps`, "utf8").split("\n")) {
        const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
        if (header) current = header[1] ? path.basename(header[1]) : "[anon]";
        else if (line.startsWith("Rss:")) byMapping.set(current, (byMapping.get(current) ?? 0) + Number(line.split(/\s+/)[1]));
      }
      const top = [...byMapping].sort((x, y) => y[1] - x[1]).slice(0, 5);
      lines.push(`  ${processName(p, fs.readFileSync(`/proc/${p}/status`, "utf8"))}: ${top.map(([m, kb]) => `${m} ${mb(kb)}`).join(", ")}`);
    } catch {
      // gone
    }
  }
  return lines.join("\n");
}

export function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number).flatMap((c) => [c, ...childrenOf(c)]);
  } catch {
    return [];
  }
}

/** "a 210 MB + b 190 MB" for the processes of a tree at its peak. */
export const describeParts = (parts: Map<string, number>) => [...parts].map(([name, kb]) => `${name} ${mb(kb)}`).join(" + ");

