import { NextResponse } from "next/server";
import { loginSchema } from "@/lib/contracts/auth";
import { SESSION_COOKIE, sessionCookieOptions } from "@/lib/server/auth/authenticate";
import { clientAddress } from "@/lib/server/http/client-address";
import { readJson, route } from "@/lib/server/http/route";
import { login } from "@/lib/server/services/auth";

// POST /api/auth/login — sign in with name and password; sets the session cookie
export const POST = route(
  async ({ req, ctx }) => {
    const { name, password } = await readJson(req, loginSchema);
    const { cookie, maxAgeSeconds, user } = await login(ctx.db, name, password, clientAddress(req));
    const response = NextResponse.json({ user: { name: user.name, role: user.role, kind: "user" } });
    response.cookies.set(SESSION_COOKIE, cookie, sessionCookieOptions(req, maxAgeSeconds));
    return response;
  },
  { role: "public" },
);
