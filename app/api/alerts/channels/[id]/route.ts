import { updateAlertChannelSchema } from "@/lib/contracts/alert-channels";
import { deleteChannel, updateChannel } from "@/lib/server/alerts/alert-channel-service";
import { readJson, readNoBody, route } from "@/lib/server/http/route";

// PATCH /api/alerts/channels/:id — rename, enable/disable, or replace the URL / password
export const PATCH = route<{ id: string }>(async ({ req, params, ctx }) => updateChannel(ctx.alerts, params.id, await readJson(req, updateAlertChannelSchema)));

// DELETE /api/alerts/channels/:id — delete a channel; rules stop sending to it
export const DELETE = route<{ id: string }>(async ({ req, params, ctx }) => {
  await readNoBody(req);
  await deleteChannel(ctx.alerts, params.id);
  return new Response(null, { status: 204 });
});
