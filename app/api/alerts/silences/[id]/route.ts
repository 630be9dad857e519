import { expireSilence } from "@/lib/server/alerts/alert-history-service";
import { readNoBody, route } from "@/lib/server/http/route";

// DELETE /api/alerts/silences/:id — end a silence now (it stays listed as expired)
export const DELETE = route<{ id: string }>(async ({ req, params, ctx }) => {
  await readNoBody(req);
  return expireSilence(ctx.alerts, params.id);
});
