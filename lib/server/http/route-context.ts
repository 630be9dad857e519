import "server-only";
import type { LagSource } from "@/lib/domain/lag-source";
import type { Clock } from "@/lib/domain/ports";
import { systemClock } from "@/lib/domain/ports";
import type { AlertServiceDeps } from "../alerts/alert-service";
import type { Principal } from "../auth/principal";
import { env, publicUrl } from "../env";
import type { KafkajsLog } from "../kafka/kafka-log";
import { webLagSource } from "../lag/lag-web";
import type { Db } from "../stores/tx";
import { web } from "../web-context";

/**
 * What a route handler hands to services, built once per request: the web layer's connections, the
 * request's clock reading, the lag settings and who asks. Its fields match the services' deps
 * (JobServiceDeps, ResetDeps, LagContext), so a route passes `ctx` as it is.
 */
export interface RouteContext {
  db: Db;
  log: KafkajsLog;
  /** The web layer's Kafka client for consumer groups and topic offsets. */
  lagSource: LagSource;
  clock: Clock;
  /** The time this request is answered at. */
  nowMs: number;
  /** How often lag is sampled (LAG_SAMPLE_INTERVAL_MS): lag status and ETA are judged against it. */
  intervalMs: number;
  /** TIDEMARK_LEASE_TTL_MS: job leases and instance heartbeats older than this are not live. */
  leaseTtlMs: number;
  /** Who asks, as the audit log names them ("local", "user:ann", "token:ci"). */
  actor: string;
  alerts: AlertServiceDeps;
}

export function routeContext(principal: Principal, clock: Clock = systemClock): RouteContext {
  const { db, kafkaLog } = web();
  const config = env();
  return {
    db,
    log: kafkaLog,
    get lagSource() {
      return webLagSource();
    },
    clock,
    nowMs: clock.now(),
    intervalMs: config.LAG_SAMPLE_INTERVAL_MS,
    leaseTtlMs: config.TIDEMARK_LEASE_TTL_MS,
    actor: principal.actor,
    alerts: { db, actor: principal.actor, publicUrl: publicUrl(), timeoutMs: config.ALERT_DELIVERY_TIMEOUT_MS },
  };
}
