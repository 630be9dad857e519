import { listQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { listJobBatches } from "@/lib/server/services/job-history";

// GET /api/jobs/:id/batches?limit=&before= — batches newest first, with offset ranges and timings
export const GET = route<{ id: string }>(async ({ req, params, ctx }) => listJobBatches(ctx.db, params.id, readQuery(req, listQuerySchema)));
