import { roleAtLeast, type Role } from "@/lib/domain/roles";
import { env } from "../env";
import type { Db } from "../stores/tx";
import { authMode } from "./auth-mode";
import { LOCAL_PRINCIPAL, type Principal } from "./principal";
import { sha256 } from "./secrets";

export const SESSION_COOKIE = "tidemark_session";
/** Last-seen and last-used times are written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The request's principal, or null when it proves no identity (local mode: always the local admin).
 * Fails closed: a credential that cannot be read (a malformed cookie or Bearer header) counts as none,
 * never as an error.
 */
export async function authenticate(req: Request, db: Db, now = new Date()): Promise<Principal | null> {
  if ((await authMode(db)) === "local") return LOCAL_PRINCIPAL;
  // Other schemes (Basic, from a proxy that asks for it) are not ours: the cookie decides then.
  const authorization = req.headers.get("authorization")?.trim() ?? "";
  if (/^Bearer(\s|$)/i.test(authorization)) {
    const bearer = authorization.match(/^Bearer\s+(\S+)$/i)?.[1];
    return bearer ? authenticateToken(db, bearer, now) : null;
  }
  const cookie = readCookie(req, SESSION_COOKIE);
  if (cookie) return authenticateSession(db, cookie, now);
  return null;
}

/** A token acts for its owner: it stops working when the owner is disabled or deleted, and never exceeds the owner's role. */
async function authenticateToken(db: Db, token: string, now: Date): Promise<Principal | null> {
  const row = await db.apiToken.findUnique({ where: { tokenHash: sha256(token) } });
  if (!row || row.revokedAt) return null;
  const owner = await tokenOwner(db, row.createdBy, row.createdAt);
  if (!owner) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const tokenRole = row.role as Role;
  const role = roleAtLeast(owner.role, tokenRole) ? tokenRole : owner.role;
  return { kind: "token", name: row.name, role, actor: `token:${row.name}`, owner: owner.actor };
}

/**
 * Who a token acts for, from its `createdBy`: "user:<name>" (that user, while enabled), or, for tokens
 * made with a token before tokens recorded their owner, "token:<name>": the owner of the one token of
 * that name made before it. Null (401): the owner is gone or disabled, or the token was made in local
 * mode ("local"), where nobody signs in and so nobody owns it.
 */
async function tokenOwner(db: Db, createdBy: string, createdAt: Date, depth = 0): Promise<{ actor: string; role: Role } | null> {
  if (createdBy.startsWith("user:")) {
    const user = await db.user.findUnique({ where: { name: createdBy.slice("user:".length) } });
    return user && !user.disabledAt ? { actor: createdBy, role: user.role as Role } : null;
  }
  if (createdBy.startsWith("token:") && depth < 3) {
    const makers = await db.apiToken.findMany({ where: { name: createdBy.slice("token:".length), createdAt: { lte: createdAt } }, take: 2 });
    return makers.length === 1 ? tokenOwner(db, makers[0].createdBy, makers[0].createdAt, depth + 1) : null;
  }
  return null;
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
  return { kind: "user", name: user.name, role: user.role as Role, actor: `user:${user.name}`, owner: `user:${user.name}`, sessionId: id };
}

/** A cookie's value; null when it is missing or not valid percent-encoding (`%zz`). */
export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The host this request was addressed to: the Host header, or X-Forwarded-Host when a proxy in
 * front is trusted (TIDEMARK_TRUST_PROXY=1); a client could send either header otherwise.
 */
export function requestHost(req: Request, trustProxy = env().TIDEMARK_TRUST_PROXY === "1"): string | null {
  const forwarded = trustProxy ? req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  return forwarded || req.headers.get("host");
}

/** True when the request carries an Origin header that names another site (or is not a URL). */
export function originMismatch(req: Request, trustProxy?: boolean): boolean {
  const origin = req.headers.get("origin");
  if (!origin) return false;
  try {
    return new URL(origin).host !== requestHost(req, trustProxy);
  } catch {
    return true;
  }
}

/**
 * Browsers send Origin on every cross-site write. A mismatch is refused for everyone; a cookie
 * session must also show it is same-origin (Origin or Sec-Fetch-Site), since cookies ride along.
 */
export function isSameOrigin(req: Request, principal: Principal, trustProxy?: boolean): boolean {
  if (req.headers.get("origin")) return !originMismatch(req, trustProxy);
  if (principal.kind !== "user") return true;
  return req.headers.get("sec-fetch-site") === "same-origin";
}

/**
 * Whether the client reached us over HTTPS. X-Forwarded-Proto counts only from a trusted proxy;
 * otherwise the request URL's scheme (`next start` itself serves plain HTTP).
 */
export function isHttps(req: Request, trustProxy = env().TIDEMARK_TRUST_PROXY === "1"): boolean {
  if (trustProxy && req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https") return true;
  return new URL(req.url).protocol === "https:";
}

/** The session cookie's attributes: HttpOnly, SameSite=Lax, and Secure when the client came over HTTPS. */
export function sessionCookieOptions(req: Request, maxAgeSeconds: number, trustProxy?: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, secure: isHttps(req, trustProxy), path: "/", maxAge: maxAgeSeconds };
}
