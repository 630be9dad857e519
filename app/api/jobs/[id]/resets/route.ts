import { listQuerySchema } from "@/lib/contracts/jobs";
import { readQuery, route } from "@/lib/server/http/route";
import { listResetPage } from "@/lib/server/services/resets";

// GET /api/jobs/:id/resets?limit=&before= — applied offset resets, newest first
export const GET = route<{ id: string }>(async ({ req, params, ctx }) => listResetPage(ctx.db, params.id, readQuery(req, listQuerySchema)));
