import "server-only";
import type { Principal } from "../auth/principal";
import { env, publicUrl } from "../env";
import { web } from "../web-context";
import type { AlertServiceDeps } from "./alert-service";

/** The alert service's dependencies for a route handler. */
export function alertDeps(principal?: Principal): AlertServiceDeps {
  return { db: web().db, actor: principal?.actor, publicUrl: publicUrl(), timeoutMs: env().ALERT_DELIVERY_TIMEOUT_MS };
}
