import { route } from "@/lib/server/http/route";
import { jobLagStatus } from "@/lib/server/lag/lag-service";
import { lagIntervalMs } from "@/lib/server/lag/lag-web";
import { requireJob } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/status — Burrow-style evaluation per partition and for the job, lag trend and ETA
export const GET = route<{ id: string }>(async (_req, { id }) => {
  const db = web().db;
  return jobLagStatus({ db, nowMs: Date.now(), intervalMs: lagIntervalMs() }, await requireJob(db, id));
});
