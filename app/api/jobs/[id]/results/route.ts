import { resultsQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { requireJob } from "@/lib/server/services/jobs";
import { listResults } from "@/lib/server/services/results";

// GET /api/jobs/:id/results?limit=&key=&after= — the job's results as its processor lists them (columns: GET /api/processors)
export const GET = route<{ id: string }>(async ({ req, params, ctx }) => {
  const query = readQuery(req, resultsQuerySchema);
  const job = await requireJob(ctx.db, params.id);
  return listResults(ctx.db, job, query);
});
