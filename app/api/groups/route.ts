import { route } from "@/lib/server/http/route";
import { listGroupSummaries } from "@/lib/server/lag/lag-service";
import { lagIntervalMs, webLagSource } from "@/lib/server/lag/lag-web";
import { web } from "@/lib/server/web-context";

// GET /api/groups — every consumer group in the cluster with state, members, status, lag and ETA
export const GET = route(async () => ({
  items: await listGroupSummaries({ db: web().db, nowMs: Date.now(), intervalMs: lagIntervalMs() }, webLagSource()),
  next: null,
}));
