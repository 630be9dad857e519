import { resetRequestSchema } from "@/lib/contracts/resets";
import { readJson, route } from "@/lib/server/http/route";
import { resetOffsets } from "@/lib/server/services/resets";
import { web } from "@/lib/server/web-context";

// POST /api/jobs/:id/offsets/reset — preview (dryRun, the default) or apply an offset reset of a stopped job
export const POST = route<{ id: string }>(async (req, { id }, principal) =>
  resetOffsets({ db: web().db, log: web().kafkaLog, actor: principal.actor }, id, await readJson(req, resetRequestSchema)),
);
