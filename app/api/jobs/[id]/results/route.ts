import { resultsQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { requireJob } from "@/lib/server/services/jobs";
import { listKeyCounts } from "@/lib/server/services/results";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/results?limit=&key=&after= — count-by-key output (key, count), largest first
export const GET = route<{ id: string }>(async (req, { id }) => {
  const query = readQuery(req, resultsQuerySchema);
  const job = await requireJob(web().db, id);
  return listKeyCounts(web().db, job.id, query);
});
