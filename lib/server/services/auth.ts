import { randomUUID } from "node:crypto";
import type { ApiTokenDto, CreatedApiTokenDto, UserDto } from "@/lib/contracts/auth";
import { FailureRateLimiter } from "@/lib/domain/rate-limiter";
import type { Role } from "@/lib/domain/roles";
import { recordAudit } from "../audit/audit-log";
import { hashPassword, isPasswordHash, verifyPassword } from "../auth/passwords";
import type { Principal } from "../auth/principal";
import { newSecret, sha256 } from "../auth/secrets";
import { env } from "../env";
import { AppError } from "../http/app-error";
import type { Db } from "../stores/tx";

const SESSION_MAX_AGE_MS = 30 * 24 * 3600_000;
/** Per client address, and per user name, so neither spraying nor guessing one account pays off. */
const byIp = new FailureRateLimiter(20, 15 * 60_000);
const byUser = new FailureRateLimiter(5, 15 * 60_000);

/** Creates the first admin from TIDEMARK_ADMIN_PASSWORD(_HASH) when no admin exists yet. */
export async function ensureBootstrapAdmin(db: Db): Promise<void> {
  const { TIDEMARK_ADMIN_USER: name, TIDEMARK_ADMIN_PASSWORD: password, TIDEMARK_ADMIN_PASSWORD_HASH: hash } = env();
  if (!password && !hash) return;
  if (await db.user.findFirst({ where: { role: "admin", disabledAt: null } })) return;
  if (hash && !isPasswordHash(hash)) throw new Error("TIDEMARK_ADMIN_PASSWORD_HASH is not a scrypt hash from `npm run hash-password`");
  const passwordHash = hash ?? (await hashPassword(password!));
  await db.user.upsert({
    where: { name },
    create: { id: randomUUID(), name, role: "admin", passwordHash },
    update: { role: "admin", passwordHash, disabledAt: null },
  });
  await recordAudit(db, { actor: "system", action: "user.bootstrap", targetType: "user", targetId: name, details: { after: { name, role: "admin" } } });
}

export async function login(db: Db, name: string, password: string, ip: string): Promise<{ cookie: string; maxAgeSeconds: number; user: UserDto }> {
  const now = Date.now();
  const wait = Math.max(byIp.retryAfterMs(`ip:${ip}`, now), byUser.retryAfterMs(`user:${name}`, now));
  if (wait > 0) throw new AppError("TOO_MANY_ATTEMPTS", `too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterSeconds: Math.ceil(wait / 1000) });
  const user = await db.user.findUnique({ where: { name } });
  // Verify against a real hash even for unknown names, so timing does not tell which names exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.disabledAt) {
    byIp.recordFailure(`ip:${ip}`, now);
    byUser.recordFailure(`user:${name}`, now);
    throw new AppError("BAD_CREDENTIALS", "wrong user name or password");
  }
  byUser.reset(`user:${name}`);
  const cookie = newSecret();
  await db.session.create({ data: { id: sha256(cookie), userId: user.id, expiresAt: new Date(now + SESSION_MAX_AGE_MS) } });
  await recordAudit(db, { actor: `user:${name}`, action: "session.login", targetType: "user", targetId: name, details: { ip } });
  return { cookie, maxAgeSeconds: SESSION_MAX_AGE_MS / 1000, user: toUserDto(user) };
}

const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

export async function logout(db: Db, principal: Principal): Promise<void> {
  if (principal.sessionId) await db.session.deleteMany({ where: { id: principal.sessionId } });
}

type UserRow = { id: string; name: string; role: string; createdAt: Date; disabledAt: Date | null };
function toUserDto(u: UserRow): UserDto {
  return { id: u.id, name: u.name, role: u.role as Role, createdAt: u.createdAt.toISOString(), disabled: u.disabledAt !== null };
}

export async function listUsers(db: Db): Promise<UserDto[]> {
  return (await db.user.findMany({ orderBy: { name: "asc" } })).map(toUserDto);
}

export async function createUser(db: Db, actor: Principal, input: { name: string; password: string; role: Role }): Promise<UserDto> {
  if (await db.user.findUnique({ where: { name: input.name } })) throw new AppError("USER_NAME_TAKEN", `a user named '${input.name}' already exists`);
  const user = await db.user.create({ data: { id: randomUUID(), name: input.name, role: input.role, passwordHash: await hashPassword(input.password) } });
  await recordAudit(db, { actor: actor.actor, action: "user.create", targetType: "user", targetId: user.name, details: { after: { name: user.name, role: user.role } } });
  return toUserDto(user);
}

export async function updateUser(
  db: Db,
  actor: Principal,
  idOrName: string,
  input: { role?: Role; password?: string; disabled?: boolean },
): Promise<UserDto> {
  const user = await db.user.findFirst({ where: { OR: [{ id: idOrName }, { name: idOrName }] } });
  if (!user) throw new AppError("USER_NOT_FOUND", `no user '${idOrName}'`);
  const losesAdmin = user.role === "admin" && ((input.role && input.role !== "admin") || input.disabled === true);
  if (losesAdmin && (await db.user.count({ where: { role: "admin", disabledAt: null } })) <= 1) {
    throw new AppError("LAST_ADMIN", "this is the last active admin: make another admin first");
  }
  const updated = await db.user.update({
    where: { id: user.id },
    data: {
      ...(input.role ? { role: input.role } : {}),
      ...(input.password ? { passwordHash: await hashPassword(input.password) } : {}),
      ...(input.disabled !== undefined ? { disabledAt: input.disabled ? new Date() : null } : {}),
    },
  });
  // A role change, a new password or disabling signs the user out everywhere.
  await db.session.deleteMany({ where: { userId: user.id } });
  await recordAudit(db, {
    actor: actor.actor,
    action: "user.update",
    targetType: "user",
    targetId: user.name,
    details: {
      before: { role: user.role, disabled: user.disabledAt !== null },
      after: { role: updated.role, disabled: updated.disabledAt !== null },
      passwordChanged: Boolean(input.password),
    },
  });
  return toUserDto(updated);
}

type TokenRow = { id: string; name: string; role: string; prefix: string; createdBy: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };
function toTokenDto(t: TokenRow): ApiTokenDto {
  return {
    id: t.id,
    name: t.name,
    role: t.role as Role,
    prefix: t.prefix,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

export async function listTokens(db: Db): Promise<ApiTokenDto[]> {
  return (await db.apiToken.findMany({ orderBy: { createdAt: "desc" } })).map(toTokenDto);
}

export async function createToken(db: Db, actor: Principal, input: { name: string; role: Role }): Promise<CreatedApiTokenDto> {
  const token = newSecret("tmk_");
  const row = await db.apiToken.create({
    data: { id: randomUUID(), name: input.name, role: input.role, tokenHash: sha256(token), prefix: token.slice(0, 10), createdBy: actor.actor },
  });
  await recordAudit(db, { actor: actor.actor, action: "token.create", targetType: "token", targetId: row.id, details: { after: { name: row.name, role: row.role } } });
  return { ...toTokenDto(row), token };
}

export async function revokeToken(db: Db, actor: Principal, id: string): Promise<ApiTokenDto> {
  const row = await db.apiToken.findUnique({ where: { id } });
  if (!row) throw new AppError("TOKEN_NOT_FOUND", `no API token '${id}'`);
  const revoked = row.revokedAt ? row : await db.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  if (!row.revokedAt) await recordAudit(db, { actor: actor.actor, action: "token.revoke", targetType: "token", targetId: id, details: { name: row.name } });
  return toTokenDto(revoked);
}
