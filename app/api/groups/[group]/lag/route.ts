import { rangeQuerySchema } from "@/lib/contracts/lag";
import { readQuery, route } from "@/lib/server/http/route";
import { groupLagSeries } from "@/lib/server/lag/lag-service";
import { lagIntervalMs, webLagSource } from "@/lib/server/lag/lag-web";
import { web } from "@/lib/server/web-context";

// GET /api/groups/:group/lag?from=&to=&points= — a group's total lag history (≤ 500 points)
export const GET = route<{ group: string }>(async (req, { group }) => {
  const query = readQuery(req, rangeQuerySchema);
  return groupLagSeries({ db: web().db, nowMs: Date.now(), intervalMs: lagIntervalMs() }, webLagSource(), decodeURIComponent(group), query);
});
