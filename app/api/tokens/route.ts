import { createTokenSchema } from "@/lib/contracts/auth";
import { readJson, route } from "@/lib/server/http/route";
import { createToken, listTokens } from "@/lib/server/services/auth";
import { web } from "@/lib/server/web-context";

// GET /api/tokens — API tokens, without their secrets (admin)
export const GET = route(async () => ({ items: await listTokens(web().db), next: null }), { role: "admin" });

// POST /api/tokens — create a token with a role; the response holds the secret, shown only this once (admin)
export const POST = route(async (req, _p, principal) => createToken(web().db, principal, await readJson(req, createTokenSchema)), {
  role: "admin",
  status: 201,
});
