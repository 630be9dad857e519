import { listQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { listJobBatches } from "@/lib/server/services/job-history";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/batches?limit=&before= — batches newest first, with offset ranges and timings
export const GET = route<{ id: string }>(async (req, { id }) => {
  return listJobBatches(web().db, id, readQuery(req, listQuerySchema));
});
