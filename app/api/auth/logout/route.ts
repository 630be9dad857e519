import { NextResponse } from "next/server";
import { SESSION_COOKIE } from "@/lib/server/auth/authenticate";
import { route } from "@/lib/server/http/route";
import { logout } from "@/lib/server/services/auth";
import { web } from "@/lib/server/web-context";

// POST /api/auth/logout — end this session and clear its cookie
export const POST = route(
  async (_req, _params, principal) => {
    await logout(web().db, principal);
    const response = new NextResponse(null, { status: 204 });
    response.cookies.delete(SESSION_COOKIE);
    return response;
  },
  { role: "viewer" },
);
