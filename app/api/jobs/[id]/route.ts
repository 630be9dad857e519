import { route } from "@/lib/server/http/route";
import { getJobDto, removeJob } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

const deps = () => ({ db: web().db, log: web().kafkaLog });

// GET /api/jobs/:id — one job, by id or name
export const GET = route<{ id: string }>(async (_req, { id }) => getJobDto(deps(), id));

// DELETE /api/jobs/:id — delete a stopped job with its offsets, batches and results
export const DELETE = route<{ id: string }>(async (_req, { id }) => {
  await removeJob(deps(), id);
  return new Response(null, { status: 204 });
});
