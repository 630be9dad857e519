import { createAlertChannelSchema } from "@/lib/contracts/alerts";
import { createChannel, listChannels } from "@/lib/server/alerts/alert-service";
import { alertDeps } from "@/lib/server/alerts/web";
import { readJson, route } from "@/lib/server/http/route";

// GET /api/alerts/channels — channels with their secrets masked
export const GET = route(async () => ({ items: await listChannels(alertDeps()), next: null }));

// POST /api/alerts/channels — add a webhook, Slack, Teams, WeCom or e-mail channel
export const POST = route(async (req, _p, principal) => createChannel(alertDeps(principal), await readJson(req, createAlertChannelSchema)), { status: 201 });
