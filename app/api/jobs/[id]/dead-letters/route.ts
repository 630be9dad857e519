import { deadLettersQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { listJobDeadLetters } from "@/lib/server/services/job-history";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/dead-letters?limit=&before= — records skipped under onError "skip", newest first
export const GET = route<{ id: string }>(async (req, { id }) => {
  return listJobDeadLetters(web().db, id, readQuery(req, deadLettersQuerySchema));
});
