import { route } from "@/lib/server/http/route";
import { jobLagStatus } from "@/lib/server/lag/lag-service";
import { requireJob } from "@/lib/server/services/jobs";

// GET /api/jobs/:id/status — Burrow-style evaluation per partition and for the job, lag trend and ETA
export const GET = route<{ id: string }>(async ({ params, ctx }) => jobLagStatus(ctx, await requireJob(ctx.db, params.id)));
