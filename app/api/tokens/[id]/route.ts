import { route } from "@/lib/server/http/route";
import { revokeToken } from "@/lib/server/services/auth";
import { web } from "@/lib/server/web-context";

// DELETE /api/tokens/:id — revoke a token (admin); it stops working at once
export const DELETE = route<{ id: string }>(async (_req, { id }, principal) => revokeToken(web().db, principal, id), { role: "admin" });
