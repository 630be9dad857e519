import { readNoBody, route } from "@/lib/server/http/route";
import { revokeToken } from "@/lib/server/services/auth";
import { web } from "@/lib/server/web-context";

// DELETE /api/tokens/:id — revoke a token (admin); it stops working at once
export const DELETE = route<{ id: string }>(
  async (req, { id }, principal) => {
    await readNoBody(req);
    return revokeToken(web().db, principal, id);
  },
  { role: "admin" },
);
