import { recordsQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { requireJob } from "@/lib/server/services/jobs";
import { listStoredRecords } from "@/lib/server/stores/record-store";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/records?limit=&topic=&partition=&before= — what store-records kept, newest offsets first
export const GET = route<{ id: string }>(async (req, { id }) => {
  const query = readQuery(req, recordsQuerySchema);
  const job = await requireJob(web().db, id);
  return listStoredRecords(web().db, job.id, query);
});
