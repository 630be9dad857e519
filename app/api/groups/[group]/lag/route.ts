import { rangeQuerySchema } from "@/lib/contracts/lag";
import { readQuery, route } from "@/lib/server/http/route";
import { groupLagSeries } from "@/lib/server/lag/cluster-lag-service";

// GET /api/groups/:group/lag?from=&to=&points= — a group's total lag history (≤ 500 points)
export const GET = route<{ group: string }>(async ({ req, params, ctx }) => groupLagSeries(ctx, ctx.lagSource, decodeURIComponent(params.group), readQuery(req, rangeQuerySchema)));
