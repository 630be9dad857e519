import { jobLagQuerySchema } from "@/lib/contracts/lag";
import { readQuery, route } from "@/lib/server/http/route";
import { jobLagSeries } from "@/lib/server/lag/lag-service";
import { requireJob } from "@/lib/server/services/jobs";

// GET /api/jobs/:id/lag?from=&to=&partition=&points= — lag history: the total, and partitions on request (≤ 500 points each)
export const GET = route<{ id: string }>(async ({ req, params, ctx }) => {
  const query = readQuery(req, jobLagQuerySchema);
  return jobLagSeries(ctx, await requireJob(ctx.db, params.id), query);
});
