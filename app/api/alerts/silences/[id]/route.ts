import { expireSilence } from "@/lib/server/alerts/alert-service";
import { alertDeps } from "@/lib/server/alerts/web";
import { readNoBody, route } from "@/lib/server/http/route";

// DELETE /api/alerts/silences/:id — end a silence now (it stays listed as expired)
export const DELETE = route<{ id: string }>(async (req, { id }, principal) => {
  await readNoBody(req);
  return expireSilence(alertDeps(principal), id);
});
