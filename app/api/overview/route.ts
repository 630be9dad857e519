import { route } from "@/lib/server/http/route";
import { overview } from "@/lib/server/lag/lag-service";

// GET /api/overview — every job with lag status, records/s, lag, time lag, ETA and a 15-minute sparkline; cluster summary
export const GET = route(async ({ ctx }) => overview(ctx, ctx.lagSource));
