import { updateJobSchema } from "@/lib/contracts/jobs";
import { readJson, readNoBody, route } from "@/lib/server/http/route";
import { getJobDto, removeJob, updateJob } from "@/lib/server/services/jobs";

// GET /api/jobs/:id — one job, by id or name
export const GET = route<{ id: string }>(async ({ params, ctx }) => getJobDto(ctx, params.id));

// DELETE /api/jobs/:id — delete a stopped job with its offsets, batches and results
export const DELETE = route<{ id: string }>(async ({ req, params, ctx }) => {
  await readNoBody(req);
  await removeJob(ctx, params.id);
  return new Response(null, { status: 204 });
});

// PATCH /api/jobs/:id — change a stopped job's settings; its offsets and results stay
export const PATCH = route<{ id: string }>(async ({ req, params, ctx }) => updateJob(ctx, params.id, await readJson(req, updateJobSchema)));
