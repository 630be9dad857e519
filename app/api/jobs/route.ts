import { createJobSchema } from "@/lib/contracts/jobs";
import { readJson, route } from "@/lib/server/http/route";
import { createJob, listJobDtos } from "@/lib/server/services/jobs";

// GET /api/jobs — every job with status, records processed and total lag
export const GET = route(async ({ ctx }) => ({ items: await listJobDtos(ctx), next: null }));

// POST /api/jobs — create a job (stopped)
export const POST = route(async ({ req, ctx }) => createJob(ctx, await readJson(req, createJobSchema)), { status: 201 });
