import { createAlertSilenceSchema } from "@/lib/contracts/alerts";
import { createSilence, listSilences } from "@/lib/server/alerts/alert-history-service";
import { readJson, route } from "@/lib/server/http/route";

// GET /api/alerts/silences — silences, newest first (active and expired)
export const GET = route(async ({ ctx }) => ({ items: await listSilences(ctx.alerts), next: null }));

// POST /api/alerts/silences — mute a rule, a target, or a rule on a target until a time, with a reason
export const POST = route(async ({ req, ctx }) => createSilence(ctx.alerts, await readJson(req, createAlertSilenceSchema)), { status: 201 });
