import { route } from "@/lib/server/http/route";
import { topicDetail } from "@/lib/server/lag/cluster-lag-service";

// GET /api/topics/:topic — partitions with log start/end, records, and records/s over the last minute
export const GET = route<{ topic: string }>(async ({ params, ctx }) => topicDetail(ctx.lagSource, decodeURIComponent(params.topic), ctx.nowMs));
