import { readNoBody, route } from "@/lib/server/http/route";
import { revokeToken } from "@/lib/server/services/auth";

// DELETE /api/tokens/:id — revoke a token (admin); it stops working at once
export const DELETE = route<{ id: string }>(
  async ({ req, params, principal, ctx }) => {
    await readNoBody(req);
    return revokeToken(ctx.db, principal, params.id);
  },
  { role: "admin" },
);
