/**
 * The shipped Grafana dashboard: every query is PromQL that Prometheus' own parser accepts (each becomes a
 * recording rule for `promtool check rules`), and refers to Tidemark's metrics. That the metric names exist in
 * /api/metrics is checked against live output in lib/server/alerts/metrics-promtool.int.test.ts.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { asPlainPromQL, dashboardQueries, tidemarkMetricNames } from "../deploy-queries";

describe("Grafana dashboard", () => {
  const queries = dashboardQueries();

  it("has the panels the issue asks for, each query naming a Tidemark metric", () => {
    const names = tidemarkMetricNames(queries.map((q) => q.expr).join("\n"));
    for (const metric of ["tidemark_job_lag_records", "tidemark_job_time_lag_seconds", "tidemark_job_records_processed_total", "tidemark_job_batch_processing_seconds_bucket", "tidemark_job_status"]) {
      expect(names).toContain(metric);
    }
    for (const q of queries) expect(tidemarkMetricNames(q.expr), q.where).not.toEqual([]);
  });

  it("every query parses as PromQL (promtool check rules)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-dashboard-"));
    try {
      // label_values() is Grafana's, not PromQL: its argument is the selector Prometheus sees.
      const exprs = queries.map((q) => asPlainPromQL(q.expr.replace(/^label_values\((.+),\s*\w+\)$/, "$1")));
      const rules = exprs.map((expr, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(expr)}\n`).join("");
      const file = path.join(dir, "dashboard-rules.yml");
      fs.writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}`);
      const out = execFileSync("promtool", ["check", "rules", file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      expect(out).toContain(`SUCCESS: ${queries.length} rules found`);
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`promtool rejected a dashboard query:\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
