import { rangeQuerySchema } from "@/lib/contracts/lag";
import { readQuery, route } from "@/lib/server/http/route";
import { jobBatchSeries } from "@/lib/server/lag/batch-series-service";
import { requireJob } from "@/lib/server/services/jobs";

// GET /api/jobs/:id/batches/series?from=&to=&points= — input rate, processing time, scheduling and total delay per time bucket
export const GET = route<{ id: string }>(async ({ req, params, ctx }) => {
  const query = readQuery(req, rangeQuerySchema);
  return jobBatchSeries(ctx, await requireJob(ctx.db, params.id), query);
});
