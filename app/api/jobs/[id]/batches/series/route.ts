import { rangeQuerySchema } from "@/lib/contracts/lag";
import { readQuery, route } from "@/lib/server/http/route";
import { jobBatchSeries } from "@/lib/server/lag/lag-service";
import { lagIntervalMs } from "@/lib/server/lag/lag-web";
import { requireJob } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/batches/series?from=&to=&points= — input rate, processing time, scheduling and total delay per time bucket
export const GET = route<{ id: string }>(async (req, { id }) => {
  const query = readQuery(req, rangeQuerySchema);
  const db = web().db;
  return jobBatchSeries({ db, nowMs: Date.now(), intervalMs: lagIntervalMs() }, await requireJob(db, id), query);
});
