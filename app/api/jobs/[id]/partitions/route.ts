import { route } from "@/lib/server/http/route";
import { jobPartitions, requireJob } from "@/lib/server/services/jobs";

// GET /api/jobs/:id/partitions — per partition: committed offset, log start/end, lag
export const GET = route<{ id: string }>(async ({ params, ctx }) => ({ items: await jobPartitions(ctx, await requireJob(ctx.db, params.id)), next: null }));
