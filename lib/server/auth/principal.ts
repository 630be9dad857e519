import type { Role } from "@/lib/domain/roles";

/** Who is making a request, as far as access control and the audit log are concerned. */
export interface Principal {
  kind: "local" | "user" | "token" | "anonymous";
  name: string;
  role: Role;
  /** As written to the audit log: "local", "user:<name>", "token:<name>". */
  actor: string;
  /** Set for cookie sessions, which must also pass the Origin check. */
  sessionId?: string;
}

export const LOCAL_PRINCIPAL: Principal = { kind: "local", name: "local", role: "admin", actor: "local" };

/** Who calls a public route (sign-in, health) without proving an identity. */
export const ANONYMOUS: Principal = { kind: "anonymous", name: "anonymous", role: "viewer", actor: "anonymous" };
