import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { subscribe } from "node:diagnostics_channel";

/** Headers through which a proxy tells the app about the client; any client can send them too. */
const FORWARDING_HEADERS = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded", "x-real-ip"];

/** Shared through globalThis: boot installs the guard, route handlers (another module graph) ask for it. */
const holder = globalThis as unknown as { tidemarkForwardingGuard?: { trustProxy: boolean } };

/**
 * Unless a proxy in front is trusted, drops the forwarding headers a client sent and sets
 * X-Forwarded-For to the connection's own peer address, before Next.js sees the request (Next only
 * fills these headers in when they are missing). Route handlers get no socket; this way the peer
 * address reaches them, and a forged X-Forwarded-For, -Host or -Proto never does.
 * Uses Node's documented `http.server.request.start` diagnostics channel, which every HTTP server
 * in the process publishes to before it emits 'request'.
 */
export function installForwardingGuard(trustProxy: boolean): void {
  if (holder.tidemarkForwardingGuard) return;
  holder.tidemarkForwardingGuard = { trustProxy };
  if (trustProxy) return;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    for (const name of FORWARDING_HEADERS) delete request.headers[name];
    if (socket.remoteAddress) request.headers["x-forwarded-for"] = socket.remoteAddress;
  });
}

/**
 * The client's address for per-client limits, or null when it cannot be known:
 * - behind a trusted proxy (TIDEMARK_TRUST_PROXY=1): the last X-Forwarded-For entry, the one the
 *   proxy appended (entries before it came from the client and prove nothing);
 * - otherwise the connection's peer address, as the forwarding guard put it there;
 * - null when the guard is not installed (the header could be forged).
 */
export function clientAddress(req: Request, guard = holder.tidemarkForwardingGuard): string | null {
  if (!guard) return null;
  const entries = (req.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return entries.at(-1) ?? null;
}
