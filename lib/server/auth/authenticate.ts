import type { Role } from "@/lib/domain/roles";
import { authConfigured, env } from "../env";
import type { Db } from "../stores/tx";
import { LOCAL_PRINCIPAL, type Principal } from "./principal";
import { sha256 } from "./secrets";

export const SESSION_COOKIE = "tidemark_session";
/** Last-seen and last-used times are written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

/** The request's principal, or null when it proves no identity (local mode: always the local admin). */
export async function authenticate(req: Request, db: Db, now = new Date()): Promise<Principal | null> {
  if (!authConfigured()) return LOCAL_PRINCIPAL;
  const bearer = req.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return authenticateToken(db, bearer, now);
  const cookie = readCookie(req, SESSION_COOKIE);
  if (cookie) return authenticateSession(db, cookie, now);
  return null;
}

async function authenticateToken(db: Db, token: string, now: Date): Promise<Principal | null> {
  const row = await db.apiToken.findUnique({ where: { tokenHash: sha256(token) } });
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { kind: "token", name: row.name, role: row.role as Role, actor: `token:${row.name}` };
}

async function authenticateSession(db: Db, cookie: string, now: Date): Promise<Principal | null> {
  const id = sha256(cookie);
  const session = await db.session.findUnique({ where: { id }, include: { user: true } });
  if (!session || session.user.disabledAt) return null;
  const idleMs = env().TIDEMARK_SESSION_IDLE_MINUTES * 60_000;
  if (session.expiresAt <= now || now.getTime() - session.lastSeenAt.getTime() > idleMs) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.update({ where: { id }, data: { lastSeenAt: now } });
  }
  const { user } = session;
  return { kind: "user", name: user.name, role: user.role as Role, actor: `user:${user.name}`, sessionId: id };
}

export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/**
 * Browsers send Origin on every cross-site write. A mismatch is refused for everyone; a cookie
 * session must also show it is same-origin (Origin or Sec-Fetch-Site), since cookies ride along.
 */
export function isSameOrigin(req: Request, principal: Principal): boolean {
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (origin) {
    try {
      return new URL(origin).host === host;
    } catch {
      return false;
    }
  }
  if (principal.kind !== "user") return true;
  return req.headers.get("sec-fetch-site") === "same-origin";
}

export function isHttps(req: Request): boolean {
  return req.headers.get("x-forwarded-proto") === "https" || new URL(req.url).protocol === "https:";
}
