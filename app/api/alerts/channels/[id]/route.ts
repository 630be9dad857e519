import { updateAlertChannelSchema } from "@/lib/contracts/alerts";
import { deleteChannel, updateChannel } from "@/lib/server/alerts/alert-service";
import { alertDeps } from "@/lib/server/alerts/web";
import { readJson, readNoBody, route } from "@/lib/server/http/route";

// PATCH /api/alerts/channels/:id — rename, enable/disable, or replace the URL / password
export const PATCH = route<{ id: string }>(async (req, { id }, principal) => updateChannel(alertDeps(principal), id, await readJson(req, updateAlertChannelSchema)));

// DELETE /api/alerts/channels/:id — delete a channel; rules stop sending to it
export const DELETE = route<{ id: string }>(async (req, { id }, principal) => {
  await readNoBody(req);
  await deleteChannel(alertDeps(principal), id);
  return new Response(null, { status: 204 });
});
