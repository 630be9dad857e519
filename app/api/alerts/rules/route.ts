import { createAlertRuleSchema } from "@/lib/contracts/alerts";
import { createRule, listRules } from "@/lib/server/alerts/alert-service";
import { alertDeps } from "@/lib/server/alerts/web";
import { readJson, route } from "@/lib/server/http/route";

// GET /api/alerts/rules — every alert rule, with its open (pending, firing) alert counts
export const GET = route(async () => ({ items: await listRules(alertDeps()), next: null }));

// POST /api/alerts/rules — create a rule; unknown job or channel → 422, nothing saved
export const POST = route(async (req, _p, principal) => createRule(alertDeps(principal), await readJson(req, createAlertRuleSchema)), { status: 201 });
