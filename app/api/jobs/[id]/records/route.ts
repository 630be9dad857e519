import { recordsQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { listJobStoredRecords } from "@/lib/server/services/job-history";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/records?limit=&topic=&partition=&before= — what store-records kept, newest offsets first
export const GET = route<{ id: string }>(async (req, { id }) => {
  return listJobStoredRecords(web().db, id, readQuery(req, recordsQuerySchema));
});
