import { systemClock, type Clock } from "@/lib/domain/ports";
import { createPrismaClient } from "../db/client";
import { AlertDispatcher } from "./alert-dispatcher";
import { AlertEvaluator } from "./alert-evaluator";
import { AlertmanagerRefresher } from "./alertmanager-refresher";
import { defaultTransport, type AlertTransport } from "./channels";
import { DbAlertSignals } from "./db-alert-signals";

export interface AlertingOptions {
  databaseUrl: string;
  /**
   * The lag sampling interval. Rules are evaluated when the sampler calls evaluator.wake() after a sample,
   * and on their own after two intervals without one (sampling stalled: samples go stale, job rules still hold).
   */
  intervalMs: number;
  publicUrl: string;
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  transport?: AlertTransport;
  clock?: Clock;
  log?: (message: string) => void;
  /** Asked right before each send: false when this instance no longer leads the cluster's singletons (leader-gate.ts) */
  mayDeliver?: () => Promise<boolean>;
  /** When the job runtime process went down, null while it runs (RuntimeChild.downSince); absent when it runs in this process */
  runtimeDownSince?: () => number | null;
  /** TIDEMARK_LEASE_TTL_MS (read from the environment when not given): job-not-running allows a new owner this long */
  leaseTtlMs?: number;
}

/**
 * Alerting's parts, wired: its own database connection (a batch transaction or a slow delivery never holds up
 * the other), the evaluator, the dispatcher and the Alertmanager refresher. Started dispatcher first (the
 * receiver of the evaluator's deliveries), stopped evaluator first.
 */
export class Alerting {
  readonly db;
  readonly evaluator: AlertEvaluator;
  readonly dispatcher: AlertDispatcher;
  readonly alertmanager: AlertmanagerRefresher;

  constructor(opts: AlertingOptions) {
    const clock = opts.clock ?? systemClock;
    this.db = createPrismaClient(opts.databaseUrl, { busyTimeoutMs: 30_000 });
    this.dispatcher = new AlertDispatcher({
      db: this.db,
      transport: opts.transport ?? defaultTransport,
      clock,
      timeoutMs: opts.timeoutMs,
      maxAttempts: opts.maxAttempts,
      backoffBaseMs: opts.backoffBaseMs,
      log: opts.log,
      mayDeliver: opts.mayDeliver,
    });
    this.alertmanager = new AlertmanagerRefresher({ db: this.db, transport: opts.transport ?? defaultTransport, clock, publicUrl: opts.publicUrl, timeoutMs: opts.timeoutMs, log: opts.log });
    this.evaluator = new AlertEvaluator({
      db: this.db,
      signals: new DbAlertSignals(this.db, opts.intervalMs, opts.runtimeDownSince, opts.leaseTtlMs),
      clock,
      intervalMs: 2 * opts.intervalMs,
      publicUrl: opts.publicUrl,
      onQueued: () => this.dispatcher.wake(),
      log: opts.log,
    });
  }

  start(): void {
    this.dispatcher.start();
    this.alertmanager.start();
    this.evaluator.start();
  }

  async stop(): Promise<void> {
    await this.evaluator.stop();
    await this.alertmanager.stop();
    await this.dispatcher.stop();
    await this.db.$disconnect();
  }
}
