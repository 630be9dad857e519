import { NextResponse, type NextRequest } from "next/server";
import { localHostRefusal } from "@/lib/domain/bind-address";
import { seenAuthenticated } from "@/lib/server/auth/sticky-auth";

/**
 * Runs before pages and assets. In local mode nobody signs in, so the one thing that keeps other
 * web sites out is the browser's same-origin rule, and DNS rebinding defeats it: a page on
 * evil.example re-points evil.example at 127.0.0.1 and then reads the dashboard as its own origin.
 * Its requests still say `Host: evil.example`, so in local mode only loopback names are answered.
 * With sign-in on (a configured password, or users in the database: lib/server/auth/auth-mode.ts), the
 * session cookie (bound to the real host name) does that job.
 *
 * /api is left out on purpose: Next.js reads a request's whole body before it runs the proxy,
 * which would undo the API's streamed 64 KiB body limit. The route wrapper checks the Host of API
 * requests itself (lib/server/http/route.ts).
 */
export function proxy(request: NextRequest): NextResponse | undefined {
  if (process.env.TIDEMARK_ADMIN_PASSWORD || process.env.TIDEMARK_ADMIN_PASSWORD_HASH || seenAuthenticated()) return undefined;
  const refusal = localHostRefusal(request.headers.get("host"));
  if (!refusal) return undefined;
  return new NextResponse(`Tidemark: request refused.\n\n${refusal}\n`, { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export const config = {
  matcher: ["/((?!api/|api$).*)"],
};
