import { deadLettersQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { requireJob } from "@/lib/server/services/jobs";
import { listDeadLetters } from "@/lib/server/stores/dead-letter-store";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/dead-letters?limit=&before= — records skipped under onError "skip", newest first
export const GET = route<{ id: string }>(async (req, { id }) => {
  const { limit, before } = readQuery(req, deadLettersQuerySchema);
  const job = await requireJob(web().db, id);
  return listDeadLetters(web().db, job.id, { limit, before });
});
