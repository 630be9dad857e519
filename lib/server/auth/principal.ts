import type { Role } from "@/lib/domain/roles";

/** Who is making a request, as far as access control and the audit log are concerned. */
export interface Principal {
  kind: "local" | "user" | "token" | "anonymous";
  name: string;
  role: Role;
  /** As written to the audit log: "local", "user:<name>", "token:<name>". */
  actor: string;
  /** Whom the principal acts for ("local", "user:<name>"): a token made by this principal belongs to them. */
  owner?: string;
  /** Set for cookie sessions, which must also pass the Origin check. */
  sessionId?: string;
}

export const LOCAL_PRINCIPAL: Principal = { kind: "local", name: "local", role: "admin", actor: "local", owner: "local" };

/** Who calls a public route (sign-in, health) without proving an identity. */
export const ANONYMOUS: Principal = { kind: "anonymous", name: "anonymous", role: "viewer", actor: "anonymous" };
