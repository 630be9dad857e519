import { updateJobSchema } from "@/lib/contracts/jobs";
import { readJson, readNoBody, route } from "@/lib/server/http/route";
import { getJobDto, removeJob, updateJob } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

const deps = () => ({ db: web().db, log: web().kafkaLog });

// GET /api/jobs/:id — one job, by id or name
export const GET = route<{ id: string }>(async (_req, { id }) => getJobDto(deps(), id));

// DELETE /api/jobs/:id — delete a stopped job with its offsets, batches and results
export const DELETE = route<{ id: string }>(async (req, { id }, principal) => {
  await readNoBody(req);
  await removeJob({ ...deps(), actor: principal.actor }, id);
  return new Response(null, { status: 204 });
});

// PATCH /api/jobs/:id — change a stopped job's settings; its offsets and results stay
export const PATCH = route<{ id: string }>(async (req, { id }, principal) =>
  updateJob({ ...deps(), actor: principal.actor }, id, await readJson(req, updateJobSchema)),
);
