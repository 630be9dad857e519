/** Reads the PromQL of the shipped Grafana dashboard and alerting rules, for the tests that check them. */
import fs from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
export const DASHBOARD_FILE = path.join(dir, "grafana/tidemark-dashboard.json");
export const RULES_FILE = path.join(dir, "prometheus/tidemark-rules.yml");

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** Every PromQL expression of the dashboard: panel targets (rows' nested panels too) and template variable queries. */
export function dashboardQueries(): { where: string; expr: string }[] {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, "utf8")) as {
    panels: Panel[];
    templating: { list: { name: string; query?: string | { query?: string } }[] };
  };
  const out: { where: string; expr: string }[] = [];
  const visit = (panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel "${p.title}"`, expr: t.expr });
      visit(p.panels ?? []);
    }
  };
  visit(dashboard.panels);
  for (const v of dashboard.templating.list) {
    const query = typeof v.query === "string" ? v.query : v.query?.query;
    if (query && /\w+\(/.test(query)) out.push({ where: `variable $${v.name}`, expr: query });
  }
  return out;
}

/** Grafana's variables replaced by values Prometheus accepts, so promtool can parse the expression. */
export function asPlainPromQL(expr: string): string {
  return expr.replaceAll("$__rate_interval", "5m").replaceAll("$job_name", ".*");
}

/** Tidemark metric names an expression (or a rules file) refers to. */
export function tidemarkMetricNames(text: string): string[] {
  return [...new Set(text.match(/\btidemark_[a-z0-9_]+/g) ?? [])].sort();
}
