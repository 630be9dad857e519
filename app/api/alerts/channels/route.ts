import { createAlertChannelSchema } from "@/lib/contracts/alert-channels";
import { createChannel, listChannels } from "@/lib/server/alerts/alert-channel-service";
import { readJson, route } from "@/lib/server/http/route";

// GET /api/alerts/channels — channels with their secrets masked
export const GET = route(async ({ ctx }) => ({ items: await listChannels(ctx.alerts), next: null }));

// POST /api/alerts/channels — add a webhook, Slack, Teams, WeCom or e-mail channel
export const POST = route(async ({ req, ctx }) => createChannel(ctx.alerts, await readJson(req, createAlertChannelSchema)), { status: 201 });
