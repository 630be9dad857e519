import { route } from "@/lib/server/http/route";
import { topicDetail } from "@/lib/server/lag/lag-service";
import { webLagSource } from "@/lib/server/lag/lag-web";

// GET /api/topics/:topic — partitions with log start/end, records, and records/s over the last minute
export const GET = route<{ topic: string }>(async (_req, { topic }) => topicDetail(webLagSource(), decodeURIComponent(topic), Date.now()));
