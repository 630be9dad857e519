import { createTokenSchema } from "@/lib/contracts/auth";
import { readJson, route } from "@/lib/server/http/route";
import { createToken, listTokens } from "@/lib/server/services/auth";

// GET /api/tokens — API tokens, without their secrets (admin)
export const GET = route(async ({ ctx }) => ({ items: await listTokens(ctx.db), next: null }), { role: "admin" });

// POST /api/tokens — create a token with a role; the response holds the secret, shown only this once (admin)
export const POST = route(async ({ req, principal, ctx }) => createToken(ctx.db, principal, await readJson(req, createTokenSchema)), {
  role: "admin",
  status: 201,
});
