import { auditQuerySchema } from "@/lib/contracts/auth";
import { listAudit } from "@/lib/server/audit/audit-log";
import { readQuery, route } from "@/lib/server/http/route";
import { web } from "@/lib/server/web-context";

// GET /api/audit?limit=&before=&targetType=&targetId= — the audit log, newest first
export const GET = route(async (req) => {
  const { limit, ...filters } = readQuery(req, auditQuerySchema);
  const items = await listAudit(web().db, { limit: limit + 1, ...filters });
  return { items: items.slice(0, limit), next: items.length > limit ? String(items[limit - 1].id) : null };
});
