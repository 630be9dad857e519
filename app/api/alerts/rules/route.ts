import { createAlertRuleSchema } from "@/lib/contracts/alerts";
import { createRule, listRules } from "@/lib/server/alerts/alert-service";
import { readJson, route } from "@/lib/server/http/route";

// GET /api/alerts/rules — every alert rule, with its open (pending, firing) alert counts
export const GET = route(async ({ ctx }) => ({ items: await listRules(ctx.alerts), next: null }));

// POST /api/alerts/rules — create a rule; unknown job or channel → 422, nothing saved
export const POST = route(async ({ req, ctx }) => createRule(ctx.alerts, await readJson(req, createAlertRuleSchema)), { status: 201 });
