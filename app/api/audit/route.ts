import { auditQuerySchema } from "@/lib/contracts/auth";
import { readQuery, route } from "@/lib/server/http/route";
import { listAuditPage } from "@/lib/server/services/audit";

// GET /api/audit?limit=&before=&targetType=&targetId= — the audit log, newest first
export const GET = route(async ({ req, ctx }) => listAuditPage(ctx.db, readQuery(req, auditQuerySchema)));
