import { NextResponse } from "next/server";
import { SESSION_COOKIE } from "@/lib/server/auth/authenticate";
import { readNoBody, route } from "@/lib/server/http/route";
import { logout } from "@/lib/server/services/auth";

// POST /api/auth/logout — end this session and clear its cookie
export const POST = route(
  async ({ req, principal, ctx }) => {
    await readNoBody(req);
    await logout(ctx.db, principal);
    const response = new NextResponse(null, { status: 204 });
    response.cookies.delete(SESSION_COOKIE);
    return response;
  },
  { role: "viewer" },
);
