import { NextResponse } from "next/server";
import { loginSchema } from "@/lib/contracts/auth";
import { isHttps, SESSION_COOKIE } from "@/lib/server/auth/authenticate";
import { readJson, route } from "@/lib/server/http/route";
import { login } from "@/lib/server/services/auth";
import { web } from "@/lib/server/web-context";

// POST /api/auth/login — sign in with name and password; sets the session cookie
export const POST = route(
  async (req) => {
    const { name, password } = await readJson(req, loginSchema);
    const ip = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
    const { cookie, maxAgeSeconds, user } = await login(web().db, name, password, ip);
    const response = NextResponse.json({ user: { name: user.name, role: user.role, kind: "user" } });
    response.cookies.set(SESSION_COOKIE, cookie, { httpOnly: true, sameSite: "lax", secure: isHttps(req), path: "/", maxAge: maxAgeSeconds });
    return response;
  },
  { role: "public" },
);
