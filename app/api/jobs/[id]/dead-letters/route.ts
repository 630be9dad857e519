import { deadLettersQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { listJobDeadLetters } from "@/lib/server/services/job-history";

// GET /api/jobs/:id/dead-letters?limit=&before= — records skipped under onError "skip", newest first
export const GET = route<{ id: string }>(async ({ req, params, ctx }) => listJobDeadLetters(ctx.db, params.id, readQuery(req, deadLettersQuerySchema)));
