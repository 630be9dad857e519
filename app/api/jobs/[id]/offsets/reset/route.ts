import { resetRequestSchema } from "@/lib/contracts/resets";
import { readJson, route } from "@/lib/server/http/route";
import { resetOffsets, resetOptions } from "@/lib/server/services/resets";

// GET /api/jobs/:id/offsets/reset — what a reset of this job can do with its results (rollback, clear, re-reading)
export const GET = route<{ id: string }>(async ({ params, ctx }) => resetOptions(ctx, params.id));

// POST /api/jobs/:id/offsets/reset — preview (dryRun, the default) or apply a previewed offset reset of a stopped job
export const POST = route<{ id: string }>(async ({ req, params, ctx }) =>
  resetOffsets(ctx, params.id, await readJson(req, resetRequestSchema)),
);
