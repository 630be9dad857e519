import { recordsQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { listJobStoredRecords } from "@/lib/server/services/job-history";

// GET /api/jobs/:id/records?limit=&topic=&partition=&before= — what store-records kept, newest offsets first
export const GET = route<{ id: string }>(async ({ req, params, ctx }) => listJobStoredRecords(ctx.db, params.id, readQuery(req, recordsQuerySchema)));
