import { route } from "@/lib/server/http/route";
import { groupDetail } from "@/lib/server/lag/lag-service";
import { lagIntervalMs, webLagSource } from "@/lib/server/lag/lag-web";
import { web } from "@/lib/server/web-context";

// GET /api/groups/:group — one group: state, members, status, and per partition committed / log end / lag / owner
export const GET = route<{ group: string }>(async (_req, { group }) =>
  groupDetail({ db: web().db, nowMs: Date.now(), intervalMs: lagIntervalMs() }, webLagSource(), decodeURIComponent(group)),
);
