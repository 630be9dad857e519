import { readNoBody, route } from "@/lib/server/http/route";
import { stopJob } from "@/lib/server/services/jobs";

// POST /api/jobs/:id/stop — ask the runtime to stop the job; a batch in flight is not committed
export const POST = route<{ id: string }>(async ({ req, params, ctx }) => {
  await readNoBody(req);
  return stopJob(ctx, params.id);
});
