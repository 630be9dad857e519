import { route } from "@/lib/server/http/route";
import { startJob } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

// POST /api/jobs/:id/start — ask the runtime to run the job (also restarts a failed job)
export const POST = route<{ id: string }>(async (_req, { id }, principal) =>
  startJob({ db: web().db, log: web().kafkaLog, actor: principal.actor }, id),
);
