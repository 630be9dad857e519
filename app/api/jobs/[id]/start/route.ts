import { readNoBody, route } from "@/lib/server/http/route";
import { startJob } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

// POST /api/jobs/:id/start — ask the runtime to run the job (also restarts a failed job)
export const POST = route<{ id: string }>(async (req, { id }, principal) => {
  await readNoBody(req);
  return startJob({ db: web().db, log: web().kafkaLog, actor: principal.actor }, id);
});
