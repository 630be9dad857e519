import { listQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { listResets } from "@/lib/server/services/resets";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/resets?limit=&before= — applied offset resets, newest first
export const GET = route<{ id: string }>(async (req, { id }) => {
  const { limit, before } = readQuery(req, listQuerySchema);
  const items = await listResets(web().db, id, { limit: limit + 1, before });
  return { items: items.slice(0, limit), next: items.length > limit ? String(items[limit - 1].id) : null };
});
