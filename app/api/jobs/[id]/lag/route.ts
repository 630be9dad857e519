import { jobLagQuerySchema } from "@/lib/contracts/lag";
import { readQuery, route } from "@/lib/server/http/route";
import { jobLagSeries } from "@/lib/server/lag/lag-service";
import { lagIntervalMs } from "@/lib/server/lag/lag-web";
import { requireJob } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/lag?from=&to=&partition=&points= — lag history: the total, and partitions on request (≤ 500 points each)
export const GET = route<{ id: string }>(async (req, { id }) => {
  const query = readQuery(req, jobLagQuerySchema);
  const db = web().db;
  return jobLagSeries({ db, nowMs: Date.now(), intervalMs: lagIntervalMs() }, await requireJob(db, id), query);
});
