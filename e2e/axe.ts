import type { Page } from "@playwright/test";

// Playwright loads specs as CommonJS (import.meta would make this module ESM and break its loader).
const axeSource = require.resolve("axe-core/axe.min.js");

/** WCAG 2.1 A and AA: the rules the dashboard must pass. */
export const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core in the page; one line per failing element ("rule: selector — why"), empty when clean. */
export async function axeViolations(page: Page, include?: string): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(
    async ([tags, context]) => {
      const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
      const result = await axe.run(context ?? document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      return result.violations;
    },
    [WCAG_21_AA, include ?? null] as const,
  );
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} — ${(n.failureSummary ?? v.help).replace(/\s+/g, " ").slice(0, 240)}`),
  );
}
