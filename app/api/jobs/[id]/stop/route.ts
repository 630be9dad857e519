import { readNoBody, route } from "@/lib/server/http/route";
import { stopJob } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

// POST /api/jobs/:id/stop — ask the runtime to stop the job; a batch in flight is not committed
export const POST = route<{ id: string }>(async (req, { id }, principal) => {
  await readNoBody(req);
  return stopJob({ db: web().db, log: web().kafkaLog, actor: principal.actor }, id);
});
