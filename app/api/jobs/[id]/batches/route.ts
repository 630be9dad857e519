import { listQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { requireJob } from "@/lib/server/services/jobs";
import { listBatches } from "@/lib/server/stores/batch-store";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/batches?limit=&before= — batches newest first, with offset ranges and timings
export const GET = route<{ id: string }>(async (req, { id }) => {
  const { limit, before } = readQuery(req, listQuerySchema);
  const job = await requireJob(web().db, id);
  const items = await listBatches(web().db, job.id, { limit: limit + 1, before });
  return { items: items.slice(0, limit), next: items.length > limit ? String(items[limit - 1].id) : null };
});
