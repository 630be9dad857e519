/**
 * GET /api/metrics as Prometheus sees it, with real data: a job runs batches on the real broker, the lag
 * sampler samples it and its mirror group, and the route's answer must pass Prometheus' own linter
 * (`promtool check metrics`). Every metric the shipped Grafana dashboard and alerting rules query must be
 * in that output (scripts/deploy/), and a real Prometheus that scrapes the route answers every dashboard
 * query with the job's series and loads the rules without error.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { createAlertRuleSchema } from "@/lib/contracts/alerts";
import { systemClock } from "@/lib/domain/ports";
import { mirrorGroupId } from "@/lib/domain/mirror-group";
import { createTopic, produceWithKcat, testBrokers, uniqueTopicName } from "@/lib/testing/kafka";
import { startPrometheus } from "@/lib/testing/prometheus";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { asPlainPromQL, dashboardQueries, RULES_FILE, tidemarkMetricNames } from "@/scripts/deploy/deploy-queries";
import { createKafka } from "../kafka/kafka-client";
import { KafkaLagSource } from "../lag/kafka-lag-source";
import { LagSampler } from "../lag/lag-sampler";
import { readEvaluations } from "../lag/lag-store";
import { RuntimeHost } from "../runtime/runtime-host";
import { insertJob, setDesiredState } from "../stores/job-store";
import { createRule } from "./alert-service";

const database = createTempDatabase();
const db = database.client();
const source = new KafkaLagSource(createKafka(testBrokers(), "metrics-promtool-lag"));
const runtime = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "metrics-promtool-runtime", reconcileIntervalMs: 100 });
const sampler = new LagSampler({ db, source, clock: systemClock, intervalMs: 300, retentionMs: 3_600_000, windowSize: 3, groups: true });
let body = "";
let jobName = "";
const scrape = () => metricsRoute(new Request("http://127.0.0.1:3000/api/metrics", { headers: { host: "127.0.0.1:3000" } }), { params: Promise.resolve({}) });

beforeAll(async () => {
  const topic = uniqueTopicName("metrics-promtool");
  await createTopic(testBrokers(), topic, 2);
  await produceWithKcat(testBrokers(), topic, Array.from({ length: 300 }, (_, i) => `k${i % 7}:{"i":${i}}`));
  jobName = `metrics-${Date.now().toString(36)}`;
  const job = await insertJob(db, { name: jobName, topics: [topic], processor: "count-by-key", batchIntervalMs: 200, maxRecordsPerPartition: 50, startingOffsets: "earliest" } as never);
  const rule = createAlertRuleSchema.parse({ name: "metrics lag", target: { type: "job", job: job.name }, condition: { type: "lag", threshold: 10 } });
  await createRule({ db, actor: "test", publicUrl: "http://tidemark.test", timeoutMs: 1000 }, rule);
  await setDesiredState(db, job.id, "running");
  await runtime.start();
  await sampler.start();
  // Several batches committed, the job caught up, and a sample + evaluation of the job and its mirror group.
  await waitFor(async () => (await db.job.findUniqueOrThrow({ where: { id: job.id } })).recordsProcessed === 300n, "the job to process all 300 records", 30_000);
  await waitFor(async () => {
    const [jobs, groups] = await Promise.all([readEvaluations(db, "job"), readEvaluations(db, "group")]);
    // A sample taken after the job caught up (an earlier one may still show lag).
    return jobs.some((e) => e.subject === job.id && e.totalLag === 0) && groups.some((e) => e.subject === mirrorGroupId(job.name));
  }, "lag evaluations of the caught-up job and its mirror group", 20_000);
  // What GET /api/metrics answers (local mode: no users), through the route handler and its wrapper.
  (globalThis as unknown as { tidemarkWeb?: unknown }).tidemarkWeb = { db, kafkaLog: null };
  const response = await scrape();
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  body = await response.text();
});

afterAll(async () => {
  delete (globalThis as unknown as { tidemarkWeb?: unknown }).tidemarkWeb;
  await sampler.stop();
  await runtime.stop();
  await source.close();
  await db.$disconnect();
  database.remove();
});

/** Metric names of the samples in the text format (histograms' _bucket, _sum and _count included). */
function sampleNames(text: string): Set<string> {
  return new Set(text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/[{ ]/)[0]));
}

describe("/api/metrics on a job that ran on the real broker", () => {
  it("holds real samples: lag, records processed, the batch histogram, statuses", () => {
    expect(body).toMatch(/^tidemark_job_records_processed_total\{job_name="metrics-[^"]+"\} 300$/m);
    expect(body).toMatch(/^tidemark_job_lag_records\{job_name="metrics-[^"]+"\} 0$/m);
    expect(body).toMatch(/^tidemark_job_status\{job_name="metrics-[^"]+",status="running"\} 1$/m);
    expect(body).toMatch(/^tidemark_job_lag_status\{job_name="metrics-[^"]+",status="(OK|WARN|ERR)"\} 1$/m);
    expect(body).toMatch(/^tidemark_consumer_group_lag_records\{group="tidemark\.metrics-[^"]+"\} 0$/m);
    const count = /^tidemark_job_batch_processing_seconds_count\{job_name="metrics-[^"]+"\} (\d+)$/m.exec(body);
    expect(Number(count?.[1])).toBeGreaterThanOrEqual(3); // 300 records, 50 per partition per batch
    expect(body).toMatch(/^tidemark_alerts\{rule="metrics lag",severity="warning",state="firing"\} 0$/m);
  });

  it("passes promtool check metrics", () => {
    let out: string;
    try {
      out = execFileSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    } catch (error) {
      const e = error as { code?: string; stdout?: string; stderr?: string };
      if (e.code === "ENOENT") throw new Error("promtool not found: apt-get install -y prometheus (it provides /usr/bin/promtool)");
      throw new Error(`promtool check metrics found problems:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
    expect(out.trim()).toBe("");
  });

  it("has every metric the Grafana dashboard and the alerting rules query", () => {
    const present = sampleNames(body);
    for (const q of dashboardQueries()) {
      for (const name of tidemarkMetricNames(q.expr)) expect(present, `${q.where} queries ${name}`).toContain(name);
    }
    for (const name of tidemarkMetricNames(fs.readFileSync(RULES_FILE, "utf8"))) expect(present, `tidemark-rules.yml queries ${name}`).toContain(name);
  });
});

describe("a real Prometheus scraping /api/metrics", () => {
  it("answers every dashboard query with the job's series, and loads the alerting rules without error", async () => {
    // The route handler behind a plain HTTP server, so Prometheus scrapes what the route answers.
    const server = http.createServer((_req, res) => {
      void scrape().then(async (r) => {
        res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "text/plain" });
        res.end(await r.text());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const prometheus = await startPrometheus({ target: `127.0.0.1:${(server.address() as AddressInfo).port}`, metricsPath: "/api/metrics", ruleFiles: [RULES_FILE] });
    try {
      // rate() and increase() need two samples in their window: wait for a few scrapes.
      await waitFor(async () => (await prometheus.query(`count_over_time(tidemark_job_lag_records{job_name="${jobName}"}[1m]) >= 2`)).length === 1, "two scrapes", 20_000);
      for (const q of dashboardQueries()) {
        const expr = asPlainPromQL(q.expr.replace(/^label_values\((.+),\s*\w+\)$/, "$1")).replaceAll("[5m]", "[30s]");
        const result = await prometheus.query(expr);
        // Only open alerts may be none: nothing fires here.
        if (q.where === 'panel "Open Tidemark alerts"') continue;
        expect(result.length, `${q.where}: ${expr}`).toBeGreaterThan(0);
        if (expr.includes("job_name")) expect(result.some((r) => r.metric.job_name === jobName || r.metric.job_name === undefined), `${q.where}: the job's series`).toBe(true);
      }
      const rules = await prometheus.rules();
      expect(rules.map((r) => r.name).sort()).toHaveLength(7);
      for (const r of rules) expect(r, r.name).toMatchObject({ health: "ok" });
    } finally {
      await prometheus.stop();
      server.close();
    }
  });
});
