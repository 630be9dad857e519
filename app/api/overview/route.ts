import { route } from "@/lib/server/http/route";
import { overview } from "@/lib/server/lag/lag-service";
import { lagIntervalMs, webLagSource } from "@/lib/server/lag/lag-web";
import { web } from "@/lib/server/web-context";

// GET /api/overview — every job with lag status, records/s, lag, time lag, ETA and a 15-minute sparkline; cluster summary
export const GET = route(async () => overview({ db: web().db, nowMs: Date.now(), intervalMs: lagIntervalMs() }, webLagSource()));
