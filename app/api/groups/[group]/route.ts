import { route } from "@/lib/server/http/route";
import { groupDetail } from "@/lib/server/lag/cluster-lag-service";

// GET /api/groups/:group — one group: state, members, status, and per partition committed / log end / lag / owner
export const GET = route<{ group: string }>(async ({ params, ctx }) => groupDetail(ctx, ctx.lagSource, decodeURIComponent(params.group)));
