import { route } from "@/lib/server/http/route";
import { listGroupSummaries } from "@/lib/server/lag/cluster-lag-service";

// GET /api/groups — every consumer group in the cluster with state, members, status, lag and ETA
export const GET = route(async ({ ctx }) => ({ items: await listGroupSummaries(ctx, ctx.lagSource), next: null }));
