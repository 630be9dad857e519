import { readNoBody, route } from "@/lib/server/http/route";
import { startJob } from "@/lib/server/services/jobs";

// POST /api/jobs/:id/start — ask the runtime to run the job (also restarts a failed job)
export const POST = route<{ id: string }>(async ({ req, params, ctx }) => {
  await readNoBody(req);
  return startJob(ctx, params.id);
});
