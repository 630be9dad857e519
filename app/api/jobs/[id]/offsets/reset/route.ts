import { resetRequestSchema } from "@/lib/contracts/resets";
import { readJson, route } from "@/lib/server/http/route";
import { resetOffsets, resetOptions } from "@/lib/server/services/resets";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/offsets/reset — what a reset of this job can do with its results (rollback, clear, re-reading)
export const GET = route<{ id: string }>(async (_req, { id }) => resetOptions({ db: web().db }, id));

// POST /api/jobs/:id/offsets/reset — preview (dryRun, the default) or apply a previewed offset reset of a stopped job
export const POST = route<{ id: string }>(async (req, { id }, principal) =>
  resetOffsets({ db: web().db, log: web().kafkaLog, actor: principal.actor }, id, await readJson(req, resetRequestSchema)),
);
