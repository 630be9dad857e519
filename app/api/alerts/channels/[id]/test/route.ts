import { testChannel } from "@/lib/server/alerts/alert-channel-service";
import { readNoBody, route } from "@/lib/server/http/route";

// POST /api/alerts/channels/:id/test — send a test message now (one attempt), recorded in the history
export const POST = route<{ id: string }>(async ({ req, params, ctx }) => {
  await readNoBody(req);
  return testChannel(ctx.alerts, params.id);
});
