import { expireSilence } from "@/lib/server/alerts/alert-service";
import { alertDeps } from "@/lib/server/alerts/web";
import { route } from "@/lib/server/http/route";

// DELETE /api/alerts/silences/:id — end a silence now (it stays listed as expired)
export const DELETE = route<{ id: string }>(async (_req, { id }, principal) => expireSilence(alertDeps(principal), id));
