import { updateAlertRuleSchema } from "@/lib/contracts/alerts";
import { deleteRule, getRule, updateRule } from "@/lib/server/alerts/alert-service";
import { readJson, readNoBody, route } from "@/lib/server/http/route";

// GET /api/alerts/rules/:id — one rule, by id or name
export const GET = route<{ id: string }>(async ({ params, ctx }) => getRule(ctx.alerts, params.id));

// PATCH /api/alerts/rules/:id — edit, enable or disable a rule; a new target or condition starts its alerts over
export const PATCH = route<{ id: string }>(async ({ req, params, ctx }) => updateRule(ctx.alerts, params.id, await readJson(req, updateAlertRuleSchema)));

// DELETE /api/alerts/rules/:id — delete a rule and its open alerts (its history stays)
export const DELETE = route<{ id: string }>(async ({ req, params, ctx }) => {
  await readNoBody(req);
  await deleteRule(ctx.alerts, params.id);
  return new Response(null, { status: 204 });
});
