/**
 * The job page with 7 days × 64 partitions of lag history in Chromium (issue 5: "the page renders without
 * jank"). Runnable alone: `npx tsx scripts/bench/lag-ui.ts [--quick]`, or with the query benchmark:
 * `npx tsx scripts/bench/lag.ts --ui`.
 *
 * Builds the production bundle into NEXT_DIST_DIR (default `.next-lag`, so the shared `.next` is left alone)
 * when it is missing or older than the sources, seeds a temporary database (scripts/db/seed-lag.ts), starts
 * a local broker with the seeded job's topic (64 partitions, so the page's partition table is full too), runs
 * `next start` with TIDEMARK_RUNTIME=0 (no runtime and no sampler: the seeded history stays as it is), then
 * drives /usr/bin/chromium through the job page: first load, each range of the picker, all 64 partitions'
 * lines switched on, stacked, and a quiet spell with the 5 s refetches; then the overview with its
 * sparklines (20 more small jobs are seeded for it) and a consumer group's page (the job's total history
 * copied to a group that has offsets on the topic) with two ranges.
 *
 * The job also gets batches (every 2 s for the last 6 hours, every minute before that), so the page's four
 * batch charts have as many points as the lag charts.
 *
 * Per step: time until the charts show the new range (the chart's `data-from`/`data-to` span the range
 * and it has points and lines), and the main thread's long tasks (PerformanceObserver "longtask", over 50 ms;
 * also Chromium's long animation frames, and the longest task's CPU time from a Chromium trace, which tells
 * a slow page from a busy machine). A long task over 200 ms counts as jank.
 *
 * Prints a Markdown section for BENCHMARKS.md.
 *
 * One script over 300 lines on purpose: its steps share the broker, the data and the peers they compare.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import { lagRanges } from "../../lib/client/lag-ranges";
import { seedLag } from "../db/seed-lag";
import { startBroker } from "../kafka/broker";
import { createTopic, quietKafka } from "../kafka/tools";
import { databaseFilePath } from "../../lib/server/db/migrate";

const root = path.resolve(import.meta.dirname, "../..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const PARTITIONS = 64;
const JANK_MS = 200;
const JOB = "bench-lag-ui";
const GROUP = "bench-lag-ui-group";
/** Small jobs seeded besides the benchmark's, for the overview's sparklines */
const EXTRA_JOBS = 20;
/** Partitions the job page draws by default (the rest as one "other partitions" series): components/charts/job-lag-panel.tsx */
const TOP_PARTITIONS = 8;

const launchArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

interface Step {
  step: string;
  renderMs: number | null;
  lines: number;
  longTasks: number;
  longestMs: number;
  blockingMs: number;
  longestFrameMs: number | null;
  /** Main-thread CPU time of the step's longest task (Chromium's trace): what the task costs without other processes competing for the 2 cores */
  longestCpuMs: number | null;
}

/** The build is stale when it is missing or any source is newer than it (as scripts/start.ts decides). */
function buildIsStale(distDir: string): boolean {
  const buildId = path.join(root, distDir, "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const builtAt = fs.statSync(buildId).mtimeMs;
  const newest = (p: string): number => {
    if (!fs.existsSync(p)) return 0;
    const stat = fs.statSync(p);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(stat.mtimeMs, ...fs.readdirSync(p).filter((e) => e !== "generated" && e !== "node_modules").map((e) => newest(path.join(p, e))));
  };
  return ["app", "components", "lib", "instrumentation.ts", "next.config.js", "package-lock.json"].some((s) => newest(path.join(root, s)) > builtAt);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the server did not answer ${url}/api/health within ${timeoutMs} ms`);
}

/** Installed before any page script: long tasks and long animation frames, kept on window. */
function observeLongTasks() {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __frames: { start: number; duration: number }[] };
  w.__longTasks = [];
  w.__frames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__frames.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch {
    // older Chromium: long tasks only
  }
}

/** A drawn line: Recharts' line or area curve, or the partition chart's own SVG line (components/charts/many-series-chart.tsx) */
const LINE_PATH = ":is(path.recharts-line-curve, path.recharts-area-curve, path.chart-line)";
/** The partition chart's drawn partition lines (or stacked areas' top lines), not the "other partitions" series */
const PARTITION_LINES = `[data-testid="partition-lag-chart"] g.partition-series ${LINE_PATH}`;

/**
 * Resolves, with the page's clock, once the charts `ids` show a window of `rangeMs` with points and a drawn
 * line, and the partition chart at least `minLines` lines.
 */
async function rendered(page: Page, rangeMs: number, minLines: number, ids = ["lag-chart", "partition-lag-chart"], timeoutMs = 60_000): Promise<number> {
  const handle = await page.waitForFunction(
    // No named functions in here: tsx would wrap them in a helper the page does not have.
    ({ rangeMs, minLines, ids, selector, line }) => {
      for (const id of ids) {
        const f = document.querySelector(`[data-testid="${id}"]`);
        const span = Number(f?.getAttribute("data-to")) - Number(f?.getAttribute("data-from"));
        if (!f || Math.abs(span - rangeMs) >= 120_000 || !(Number(f.getAttribute("data-points")) > 0)) return false;
        if (!f.querySelector(line)) return false;
      }
      const lines = document.querySelectorAll(selector).length;
      return lines >= minLines ? performance.now() : false;
    },
    { rangeMs, minLines, ids, selector: PARTITION_LINES, line: LINE_PATH },
    { polling: "raf", timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as number;
}

/** Resolves, with the page's clock, once the overview shows `jobs` rows, each with its sparkline drawn. */
async function overviewRendered(page: Page, jobs: number, timeoutMs = 60_000): Promise<number> {
  const handle = await page.waitForFunction(
    (jobs) => {
      const rows = document.querySelectorAll('[data-testid="overview-job-row"]');
      const drawn = document.querySelectorAll('[data-testid="overview-job-row"] path.recharts-area-curve');
      return rows.length >= jobs && drawn.length >= jobs ? performance.now() : false;
    },
    jobs,
    { polling: "raf", timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Clicks through the DOM, not through Playwright's locators: those compute accessible names in the page's
 * main thread (tens of milliseconds on this page), which would count as the page's own long tasks.
 */
async function click(page: Page, selector: string): Promise<void> {
  const found = await page.evaluate((sel) => {
    const el = document.querySelector<HTMLElement>(sel);
    el?.click();
    return el !== null;
  }, selector);
  if (!found) throw new Error(`nothing to click: ${selector}`);
}
const rangeButton = (key: string) => `[role="radio"][aria-label="Last ${key}"]`;
const HIDDEN_CHIP = '[role="group"][aria-label="Partitions shown"] button[aria-pressed="false"]:not([data-other])';

const lineCount = (page: Page) => page.locator(PARTITION_LINES).count();

/**
 * Runs one step and collects the long tasks that started during it and within `settleMs` after it (tasks
 * that trail the render, effects, a refetch's answer). A step that navigates counts from the navigation.
 */
async function measure(page: Page, step: string, action: () => Promise<number | null>, opts: { settleMs?: number; navigates?: boolean } = {}): Promise<Step> {
  const browser = page.context().browser()!;
  await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
  const before = opts.navigates ? 0 : ((await page.evaluate(() => performance.now())) as number);
  const done = await action();
  await page.waitForTimeout(opts.settleMs ?? 1500);
  const after = (await page.evaluate(() => performance.now())) as number;
  const longestCpuMs = longestTaskCpu(await browser.stopTracing());
  const { tasks, frames, loaf } = await page.evaluate(
    ([a, b]) => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __frames: { start: number; duration: number }[] };
      return {
        tasks: w.__longTasks.filter((t) => t.start >= a && t.start <= b),
        frames: w.__frames.filter((t) => t.start >= a && t.start <= b),
        loaf: PerformanceObserver.supportedEntryTypes.includes("long-animation-frame"),
      };
    },
    [before, after] as const,
  );
  return {
    step,
    renderMs: done === null ? null : done - before,
    lines: await lineCount(page),
    longTasks: tasks.length,
    longestMs: Math.max(0, ...tasks.map((t) => t.duration)),
    blockingMs: tasks.reduce((s, t) => s + Math.max(0, t.duration - 50), 0),
    longestFrameMs: loaf ? Math.max(0, ...frames.map((f) => f.duration)) : null,
    longestCpuMs,
  };
}

/** The thread CPU time of the longest task on the busiest renderer main thread of a Chromium trace. */
function longestTaskCpu(trace: Buffer): number | null {
  const events = (JSON.parse(trace.toString()) as { traceEvents: { name: string; ph: string; tid: number; pid: number; dur?: number; tdur?: number; args?: { name?: string } }[] }).traceEvents;
  const mains = new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.ph === "X" && e.name === "RunTask" && mains.has(`${e.pid}:${e.tid}`));
  if (tasks.length === 0 || tasks.every((t) => t.tdur === undefined)) return null;
  const busy = new Map<string, number>();
  for (const t of tasks) busy.set(`${t.pid}:${t.tid}`, (busy.get(`${t.pid}:${t.tid}`) ?? 0) + (t.dur ?? 0));
  const main = [...busy].sort((a, b) => b[1] - a[1])[0][0];
  const longest = tasks.filter((t) => `${t.pid}:${t.tid}` === main).sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))[0];
  return (longest.tdur ?? 0) / 1000;
}

async function drive(baseUrl: string, quick: boolean): Promise<{ version: string; steps: Step[] }> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: launchArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.addInitScript(observeLongTasks);
    const rangeMs = (key: string) => lagRanges.find((r) => r.key === key)!.ms;
    const steps: Step[] = [];
    steps.push(
      await measure(
        page,
        `first load (1h, ${TOP_PARTITIONS} partitions' lines and the others' max)`,
        async () => {
          await page.goto(`${baseUrl}/jobs/${JOB}`);
          return rendered(page, rangeMs("1h"), 1);
        },
        { navigates: true },
      ),
    );
    for (const key of ["15m", "1h", "6h", "24h", "7d"]) {
      steps.push(
        await measure(page, `range ${key}`, async () => {
          await click(page, rangeButton(key));
          return rendered(page, rangeMs(key), 1);
        }),
      );
    }
    // The most lagging partitions are on by default; switch on the others, one chip at a time.
    steps.push(
      await measure(page, `7d, the other ${PARTITIONS - TOP_PARTITIONS} partitions switched on one by one`, async () => {
        // Each click re-renders the chart with one line more; wait for that before the next.
        for (let lines = await lineCount(page); lines < PARTITIONS; lines++) {
          await click(page, HIDDEN_CHIP);
          await rendered(page, rangeMs("7d"), lines + 1);
        }
        return rendered(page, rangeMs("7d"), PARTITIONS);
      }),
    );
    steps.push(
      await measure(page, `7d, ${PARTITIONS} lines stacked`, async () => {
        await click(page, '[data-testid="partition-stacked"]:not(:checked)');
        return rendered(page, rangeMs("7d"), PARTITIONS);
      }),
    );
    for (const key of ["15m", "24h"]) {
      steps.push(
        await measure(page, `range ${key}, ${PARTITIONS} stacked`, async () => {
          await click(page, rangeButton(key));
          return rendered(page, rangeMs(key), PARTITIONS);
        }),
      );
    }
    // Quiet: the charts refetch every 5 s and render each answer.
    const idleMs = quick ? 10_000 : 30_000;
    steps.push(await measure(page, `idle ${idleMs / 1000} s at 24h, ${PARTITIONS} stacked (refetch every 5 s)`, async () => null, { settleMs: idleMs }));

    // The overview, reached from the header as a user would (a client-side navigation, no page load).
    steps.push(
      await measure(page, `overview (from the header), ${EXTRA_JOBS + 1} jobs' sparklines`, async () => {
        await click(page, 'header a[href="/"]');
        return overviewRendered(page, EXTRA_JOBS + 1);
      }),
    );
    // A consumer group's page, from the groups list, and two of its ranges.
    await click(page, 'header a[href="/groups"]');
    await page.waitForSelector(`a[href="/groups/${GROUP}"]`, { timeout: 60_000 });
    const groupChart = ["group-lag-chart"];
    steps.push(
      await measure(page, "group page (from the list, 1h)", async () => {
        await click(page, `a[href="/groups/${GROUP}"]`);
        return rendered(page, rangeMs("1h"), 0, groupChart);
      }),
    );
    for (const key of ["7d", "15m"]) {
      steps.push(
        await measure(page, `group page, range ${key}`, async () => {
          await click(page, rangeButton(key));
          return rendered(page, rangeMs(key), 0, groupChart);
        }),
      );
    }
    return { version: browser.version(), steps };
  } finally {
    await browser.close();
  }
}

/** The production server on a seeded database (and a local broker unless KAFKA_BROKERS is set); also for ad-hoc profiling. */
export async function startSeededServer(): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const distDir = process.env.NEXT_DIST_DIR || ".next-lag";
  if (buildIsStale(distDir)) {
    console.error(`[bench] building the dashboard into ${distDir} (next build) ...`);
    const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, env: { ...process.env, NEXT_DIST_DIR: distDir, NODE_ENV: "production" }, stdio: ["ignore", "ignore", "inherit"] });
    if (build.status !== 0) throw new Error(`next build failed (${build.status})`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-bench-lag-ui-"));
  const url = `file:${path.join(dir, "ui.db")}`;
  const { jobId } = seedLag({ databaseUrl: url, partitions: PARTITIONS, days: 7, intervalMs: 5000, jobName: JOB });
  for (let i = 1; i <= EXTRA_JOBS; i++) seedLag({ databaseUrl: url, partitions: 2, days: 1, intervalMs: 5000, jobName: `${JOB}-${String(i).padStart(2, "0")}` });
  seedBatchesAndGroup(url, jobId);
  const broker = process.env.KAFKA_BROKERS ? null : await startBroker({ dataDir: path.join(dir, "kafka") });
  const brokers = broker?.brokers ?? process.env.KAFKA_BROKERS!.split(",");
  const logFile = path.join(dir, "server.log");
  let server: ChildProcess | null = null;
  const stop = async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await broker?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await createTopic(brokers, "seed.lag", PARTITIONS).catch(() => {}); // already there on a shared broker
    await createGroup(brokers);
    const port = await freePort();
    const log = fs.openSync(logFile, "a");
    server = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], {
      cwd: root,
      stdio: ["ignore", log, log],
      env: { ...process.env, NODE_ENV: "production", NEXT_DIST_DIR: distDir, DATABASE_URL: url, TIDEMARK_RUNTIME: "0", TIDEMARK_DEMO: "0", KAFKA_BROKERS: brokers.join(",") },
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, server).catch((error: unknown) => {
      console.error(fs.readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n"));
      throw error;
    });
    return { baseUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The job's batches (every 2 s for the last 6 hours, every minute for the 7 days before: the batch charts
 * read at most ~500 buckets either way), and the group's lag history: a copy of the job's total series.
 */
function seedBatchesAndGroup(databaseUrl: string, jobId: string): void {
  const db = new Database(databaseFilePath(databaseUrl));
  try {
    const now = Date.now();
    const insert = db.prepare(
      `INSERT INTO "Batch" ("jobId","batchTime","status","records","bytes","schedulingDelayMs","processingTimeMs","totalDelayMs","attempts","createdAt","completedAt") VALUES (?,?,'succeeded',?,?,?,?,?,1,?,?)`,
    );
    const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
    db.transaction(() => {
      const recent = now - 6 * 3_600_000;
      for (let t = now - 7 * 86_400_000; t < now; t += t < recent ? 60_000 : 2000) {
        // Processing time around the 2 s interval, now and then over it, so the reference line matters.
        const processing = Math.round(1200 + 700 * Math.sin(t / 1_800_000) + (Math.floor(t / 300_000) % 11 === 0 ? 900 : 0));
        const scheduling = Math.max(0, processing - 2000) + (t % 7) * 3;
        const records = Math.round(4000 + 2500 * Math.sin(t / 5_400_000));
        insert.run(jobId, iso(t), records, records * 120, scheduling, processing, scheduling + processing, iso(t), iso(t + scheduling + processing));
      }
      db.prepare(
        `INSERT INTO "LagSample" ("kind","subject","topic","partition","ts","resolution","committedOffset","logStartOffset","logEndOffset","lag","lagMin","lagMax","timeLagMs","timeLagMaxMs","samples","isCommit","commitTs")
         SELECT 'group', ?, "topic", "partition", "ts", "resolution", "committedOffset", "logStartOffset", "logEndOffset", "lag", "lagMin", "lagMax", "timeLagMs", "timeLagMaxMs", "samples", "isCommit", "commitTs"
         FROM "LagSample" WHERE "kind" = 'job' AND "subject" = ? AND "partition" = -1`,
      ).run(GROUP, jobId);
    })();
  } finally {
    db.close();
  }
}

/** Commits offset 0 on every partition of the topic for GROUP, so the broker knows the (empty) group. */
async function createGroup(brokers: string[]): Promise<void> {
  const admin = quietKafka(brokers, "bench-lag-ui").admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId: GROUP, topic: "seed.lag", partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, offset: "0" })) });
  } finally {
    await admin.disconnect();
  }
}

export const BENCH_JOB = JOB;

export async function benchLagUi(opts: { quick?: boolean } = {}): Promise<string[]> {
  const { baseUrl, stop } = await startSeededServer();
  try {
    const { version, steps } = await drive(baseUrl, Boolean(opts.quick));
    const ms = (n: number | null) => (n === null ? "—" : `${Math.round(n)} ms`);
    const janky = steps.filter((s) => s.longestMs > JANK_MS);
    return [
      `Chromium ${version} (headless, /usr/bin/chromium), viewport 1440 × 1000, production build, ${PARTITIONS} partitions × 7 days seeded; load average ${os.loadavg()[0].toFixed(1)} at the end. Render: from the action (or navigation start) until the step's charts show it (on the job page both lag charts, with their lines). Long tasks (PerformanceObserver "longtask"): main-thread tasks over 50 ms from the action until 1.5 s after the render; "its CPU": the longest task's main-thread CPU time from Chromium's trace (wall time minus waiting for a core on a busy machine).`,
      "",
      "| step | render | lines | long tasks | longest | its CPU | blocking (Σ over 50 ms) | longest animation frame |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...steps.map((s) => `| ${s.step} | ${ms(s.renderMs)} | ${s.lines} | ${s.longTasks} | ${ms(s.longestMs)} | ${ms(s.longestCpuMs)} | ${ms(s.blockingMs)} | ${ms(s.longestFrameMs)} |`),
      "",
      janky.length === 0 ? `No long task over ${JANK_MS} ms.` : `Long tasks over ${JANK_MS} ms (jank) in: ${janky.map((s) => s.step).join(", ")}.`,
    ];
  } finally {
    await stop();
  }
}

if (process.argv[1]?.endsWith("lag-ui.ts")) {
  benchLagUi({ quick: process.argv.includes("--quick") })
    .then((lines) => console.log(lines.join("\n")))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
