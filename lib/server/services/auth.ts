import { randomUUID } from "node:crypto";
import type { ApiTokenDto, CreatedApiTokenDto, UserDto } from "@/lib/contracts/auth";
import type { Role } from "@/lib/domain/roles";
import { recordAudit } from "../audit/audit-log";
import { hashPassword, isPasswordHash, verifyPassword } from "../auth/passwords";
import type { Principal } from "../auth/principal";
import { newSecret, sha256 } from "../auth/secrets";
import { beginSignIn, settleSignIn } from "../auth/sign-in-counters-store";
import { env } from "../env";
import { AppError } from "../http/app-error";
import type { Db } from "../stores/tx";

const SESSION_MAX_AGE_MS = 30 * 24 * 3600_000;

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

/**
 * Signs a user in. `client` is the caller's address (see clientAddress), or null when it cannot be
 * known: then a global failure budget applies instead of a per-address one.
 */
export async function login(
  db: Db,
  name: string,
  password: string,
  client: string | null,
  clock: () => number = Date.now,
): Promise<{ cookie: string; maxAgeSeconds: number; user: UserDto }> {
  const nowMs = clock();
  // Failed sign-ins are throttled per (name, address), per address and per name, in the database so that
  // every instance counts them alike (rate-limiter.ts; README "Access control"). Counted as a failure
  // before the slow check (settled below), so parallel guesses cannot all slip through.
  const wait = await beginSignIn(db, client, name, nowMs);
  if (wait > 0) throw new AppError("TOO_MANY_ATTEMPTS", `too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterSeconds: Math.ceil(wait / 1000) });
  let user;
  let ok = false;
  try {
    user = await db.user.findUnique({ where: { name } });
    // Verify against a real hash even for unknown names, so timing does not tell which names exist.
    ok = (await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH)) && Boolean(user) && !user!.disabledAt;
  } finally {
    // The wait runs from the answer, after the slow hash.
    await settleSignIn(db, client, name, ok, clock());
  }
  if (!user || !ok) throw new AppError("BAD_CREDENTIALS", "wrong user name or password");
  const cookie = newSecret();
  await db.$transaction(async (tx) => {
    await tx.session.create({ data: { id: sha256(cookie), userId: user.id, expiresAt: new Date(nowMs + SESSION_MAX_AGE_MS) } });
    await recordAudit(tx, { actor: `user:${name}`, action: "session.login", targetType: "user", targetId: name, details: { ip: client } });
  });
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

/**
 * Users and tokens exist only with sign-in on: in local mode the first user would switch sign-in on at
 * once (auth-mode.ts) and a token would be a credential nobody owns.
 */
function assertSignInOn(actor: Principal, what: string): void {
  if (actor.kind === "local") {
    throw new AppError("SIGN_IN_OFF", `sign-in is off (local mode): set TIDEMARK_ADMIN_PASSWORD and restart to turn it on, then create ${what}`);
  }
}

export async function createUser(db: Db, actor: Principal, input: { name: string; password: string; role: Role }): Promise<UserDto> {
  assertSignInOn(actor, "users");
  if (await db.user.findUnique({ where: { name: input.name } })) throw new AppError("USER_NAME_TAKEN", `a user named '${input.name}' already exists`);
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.$transaction(async (tx) => {
      const created = await tx.user.create({ data: { id: randomUUID(), name: input.name, role: input.role, passwordHash } });
      await recordAudit(tx, { actor: actor.actor, action: "user.create", targetType: "user", targetId: created.name, details: { after: { name: created.name, role: created.role, disabled: false } } });
      return created;
    });
    return toUserDto(user);
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new AppError("USER_NAME_TAKEN", `a user named '${input.name}' already exists`);
    throw error;
  }
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
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const updated = await db.$transaction(async (tx) => {
    const row = await tx.user.update({
      where: { id: user.id },
      data: {
        ...(input.role ? { role: input.role } : {}),
        ...(passwordHash ? { passwordHash } : {}),
        ...(input.disabled !== undefined ? { disabledAt: input.disabled ? new Date() : null } : {}),
      },
    });
    // A role change, a new password or disabling signs the user out everywhere.
    await tx.session.deleteMany({ where: { userId: user.id } });
    await recordAudit(tx, {
      actor: actor.actor,
      action: "user.update",
      targetType: "user",
      targetId: user.name,
      details: {
        before: { role: user.role, disabled: user.disabledAt !== null },
        after: { role: row.role, disabled: row.disabledAt !== null },
        passwordChanged: Boolean(input.password),
      },
    });
    return row;
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

/**
 * A token acts for its owner, recorded as `createdBy`: the signed-in user (or, made with a token, that
 * token's owner). Disabling the owner stops it (see authenticateToken).
 */
export async function createToken(db: Db, actor: Principal, input: { name: string; role: Role }): Promise<CreatedApiTokenDto> {
  assertSignInOn(actor, "API tokens");
  const token = newSecret("tmk_");
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { id: randomUUID(), name: input.name, role: input.role, tokenHash: sha256(token), prefix: token.slice(0, 10), createdBy: actor.owner ?? actor.actor },
    });
    await recordAudit(tx, { actor: actor.actor, action: "token.create", targetType: "token", targetId: created.id, details: { after: { name: created.name, role: created.role, prefix: created.prefix } } });
    return created;
  });
  return { ...toTokenDto(row), token };
}

export async function revokeToken(db: Db, actor: Principal, id: string): Promise<ApiTokenDto> {
  const row = await db.apiToken.findUnique({ where: { id } });
  if (!row) throw new AppError("TOKEN_NOT_FOUND", `no API token '${id}'`);
  if (row.revokedAt) return toTokenDto(row); // already revoked: nothing changes, nothing to audit
  const revoked = await db.$transaction(async (tx) => {
    const updated = await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, {
      actor: actor.actor,
      action: "token.revoke",
      targetType: "token",
      targetId: id,
      details: { name: row.name, before: { revokedAt: null }, after: { revokedAt: updated.revokedAt?.toISOString() ?? null } },
    });
    return updated;
  });
  return toTokenDto(revoked);
}

/**
 * `npm run users:reset-local`: back to local mode, on purpose. Deletes every user, session and API token
 * and records what went in the audit log, in one transaction. The server must be restarted afterwards
 * (a running one stays in authenticated mode), without TIDEMARK_ADMIN_PASSWORD(_HASH).
 */
export async function resetToLocalMode(db: Db, actor: string): Promise<{ users: string[]; tokens: number; sessions: number }> {
  return db.$transaction(async (tx) => {
    const users = await tx.user.findMany({ orderBy: { name: "asc" }, select: { name: true, role: true, disabledAt: true } });
    const sessions = (await tx.session.deleteMany({})).count;
    const tokens = (await tx.apiToken.deleteMany({})).count;
    await tx.user.deleteMany({});
    await recordAudit(tx, {
      actor,
      action: "auth.reset-local",
      targetType: "user",
      details: { before: { users: users.map((u) => ({ name: u.name, role: u.role, disabled: u.disabledAt !== null })), tokens, sessions }, after: { mode: "local" } },
    });
    return { users: users.map((u) => u.name), tokens, sessions };
  });
}
