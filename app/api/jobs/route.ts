import { createJobSchema } from "@/lib/contracts/jobs";
import { readJson, route } from "@/lib/server/http/route";
import { createJob, listJobDtos } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

const deps = () => ({ db: web().db, log: web().kafkaLog });

// GET /api/jobs — every job with status, records processed and total lag
export const GET = route(async () => ({ items: await listJobDtos(deps()), next: null }));

// POST /api/jobs — create a job (stopped)
export const POST = route(async (req, _p, principal) => createJob({ ...deps(), actor: principal.actor }, await readJson(req, createJobSchema)), {
  status: 201,
});
