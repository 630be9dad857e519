import { authConfigured } from "../env";
import type { Db } from "../stores/tx";
import { markAuthenticated } from "./sticky-auth";

export type AuthMode = "local" | "authenticated";

/** Databases known to hold users: once seen, the answer never goes back (until the process restarts). */
const withUsers = new WeakSet<object>();

/**
 * Sign-in is on when an admin password is configured, or when the database holds any user (even a
 * disabled one). Users outlive the environment: removing TIDEMARK_ADMIN_PASSWORD must not open the
 * dashboard to everyone. Back to local mode only by removing the users (`npm run users:reset-local`).
 */
export async function authMode(db: Db): Promise<AuthMode> {
  if (authConfigured() || withUsers.has(db)) return "authenticated";
  if (!(await db.user.findFirst({ select: { id: true } }))) return "local";
  withUsers.add(db);
  markAuthenticated();
  return "authenticated";
}
