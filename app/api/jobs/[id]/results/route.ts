import { resultsQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { requireJob } from "@/lib/server/services/jobs";
import { listKeyCounts } from "@/lib/server/services/results";

// GET /api/jobs/:id/results?limit=&key=&after= — count-by-key output (key, count), largest first
export const GET = route<{ id: string }>(async ({ req, params, ctx }) => {
  const query = readQuery(req, resultsQuerySchema);
  const job = await requireJob(ctx.db, params.id);
  return listKeyCounts(ctx.db, job.id, query);
});
