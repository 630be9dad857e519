import { spawn } from "node:child_process";
import fs from "node:fs"; import os from "node:os"; import path from "node:path";
import { chromium } from "playwright-core";
import { startBroker, findFreePort } from "../kafka/broker";
import { createTopic, produceWithKcat } from "../kafka/tools";
const root = "/work/main";
async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shots-"));
  const broker = await startBroker({ dataDir: path.join(tmp, "kafka") });
  const b = broker.brokers;
  await createTopic(b, "orders", 2); await createTopic(b, "orders.eu", 1);
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) lines.push(i === 120 ? "c-7:not json at all" : `c-${i % 9}:{"region":"${i % 3 ? "eu" : "us"}","customer":"c-${i % 9}","amount":${i}}`);
  await produceWithKcat(b, "orders", lines);
  const port = await findFreePort();
  const server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root, stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NODE_ENV: "production", KAFKA_BROKERS: b.join(","), DATABASE_URL: `file:${tmp}/t.db`, TIDEMARK_DEMO: "0" },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) { if ((await fetch(`${base}/api/health`).catch(() => null))?.ok) break; await new Promise((r) => setTimeout(r, 200)); }
  const api = async (method: string, p: string, body?: unknown) => { const r = await fetch(base + p, { method, headers: { "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined }); const t = await r.text(); console.log(method, p, r.status, t.slice(0, 300)); return t; };
  const cfg = { topic: "orders.eu", filter: { field: "region", equals: "eu" }, keyField: "customer" };
  await api("POST", "/api/jobs", { name: "eu-orders", topics: ["orders"], processor: "forward", processorConfig: cfg, batchIntervalMs: 500, maxAttempts: 2, retryBackoffMs: 100 });
  await api("POST", "/api/jobs", { name: "eu-orders-skip", topics: ["orders"], processor: "forward", processorConfig: cfg, batchIntervalMs: 500, onError: "skip", backpressure: true, maxRecordsPerPartition: 100 });
  await api("POST", "/api/jobs/eu-orders/start"); await api("POST", "/api/jobs/eu-orders-skip/start");
  await api("PATCH", "/api/jobs/eu-orders", { onError: "skip" });
  await new Promise((r) => setTimeout(r, 6000));
  await api("GET", "/api/jobs/eu-orders");
  await api("GET", "/api/jobs/eu-orders-skip/dead-letters");
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1700 } });
  for (const name of ["eu-orders", "eu-orders-skip"]) {
    await page.goto(`${base}/jobs/${name}`); await page.waitForTimeout(2500);
    await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
  }
  await browser.close();
  server.kill("SIGTERM"); await new Promise((r) => server.once("exit", r));
  await broker.stop(); fs.rmSync(tmp, { recursive: true, force: true });
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
