/**
 * Sends alert deliveries off the evaluation path: the evaluator only writes `pending` AlertDelivery rows and
 * wakes this. Each attempt runs on its own promise with a timeout, so a hanging or failing endpoint costs a
 * slot, never a tick of the evaluator, the sampler or a job. Failed attempts are retried with doubling
 * backoff up to `maxAttempts`; every attempt is recorded. Pending deliveries survive a restart.
 * Lifecycle: start() after the evaluator's database is ready, stop() after the evaluator stopped.
 */
import { setMaxListeners } from "node:events";
import type { AlertNotice } from "@/lib/domain/alert-messages";
import { retryDelayMs } from "@/lib/domain/alert-state";
import type { Clock } from "@/lib/domain/ports";
import type { Db } from "../stores/tx";
import { noticeFromEvent, type EventRow } from "./alert-events";
import { channelFromRow, sendToChannel, type AlertTransport, type AttemptOutcome } from "./channels";

export interface AlertDispatcherDeps {
  db: Db;
  transport: AlertTransport;
  clock: Clock;
  /** Per attempt */
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs?: number;
  /** Deliveries in flight at once */
  concurrency?: number;
  /** How often due retries are looked for when nothing wakes it */
  pollMs?: number;
  log?: (message: string) => void;
  /** Asked right before each send; false leaves the delivery pending (another instance leads now). */
  mayDeliver?: () => Promise<boolean>;
}

export class AlertDispatcher {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly inFlight = new Map<number, Promise<void>>();
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(private readonly deps: AlertDispatcherDeps) {
    // Every attempt in flight listens for stop().
    setMaxListeners(100, this.abort.signal);
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake();
    await this.loop;
    await Promise.all(this.inFlight.values());
  }

  /** New deliveries are waiting: look now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    const pollMs = this.deps.pollMs ?? 500;
    while (!this.abort.signal.aborted) {
      this.woken = false;
      let waitMs = pollMs;
      try {
        await this.dispatchDue();
        // Sleep until the next retry is due, if that comes before the next poll.
        const next = await this.deps.db.alertDelivery.findFirst({
          where: { status: "pending", id: { notIn: [...this.inFlight.keys()] } },
          orderBy: { nextAttemptAt: "asc" },
          select: { nextAttemptAt: true },
        });
        if (next) waitMs = Math.max(10, Math.min(pollMs, Number(next.nextAttemptAt) - this.deps.clock.now()));
      } catch (error) {
        this.say(`alert dispatch failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (this.woken || this.abort.signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.wakeUp = null;
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        this.wakeUp = done;
      });
    }
  }

  /** Starts an attempt for every due delivery, up to the concurrency limit. Exposed for tests. */
  async dispatchDue(): Promise<number> {
    const free = (this.deps.concurrency ?? 8) - this.inFlight.size;
    if (free <= 0) return 0;
    const due = await this.deps.db.alertDelivery.findMany({
      where: { status: "pending", nextAttemptAt: { lte: BigInt(this.deps.clock.now()) }, id: { notIn: [...this.inFlight.keys()] } },
      orderBy: { id: "asc" },
      take: free,
      select: { id: true },
    });
    for (const { id } of due) {
      const p = this.attempt(id)
        .catch((error: unknown) => this.say(`alert delivery ${id} failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.inFlight.delete(id);
          this.wake();
        });
      this.inFlight.set(id, p);
    }
    return due.length;
  }

  private async attempt(deliveryId: number): Promise<void> {
    const { db, clock } = this.deps;
    const delivery = await db.alertDelivery.findUnique({ where: { id: deliveryId }, include: { event: true } });
    if (!delivery || delivery.status !== "pending") return;
    // A leader paused past its lease must not send what the new leader sends.
    if (this.deps.mayDeliver && !(await this.deps.mayDeliver())) return;
    const row = await db.alertChannel.findUnique({ where: { id: delivery.channelId } });
    let outcome: AttemptOutcome;
    if (!row || !row.enabled) {
      outcome = { ok: false, statusCode: null, error: row ? "channel disabled" : "channel deleted", durationMs: 0 };
    } else {
      outcome = await sendToChannel(channelFromRow(row), await this.noticeFor(delivery.event, row.type), this.deps.transport, this.deps.timeoutMs, this.abort.signal);
    }
    if (this.abort.signal.aborted && !outcome.ok) return; // stopping: the delivery stays pending for the next start
    const attempts = delivery.attempts + 1;
    const final = outcome.ok || !row || !row.enabled || attempts >= this.deps.maxAttempts;
    await db.$transaction([
      db.alertDeliveryAttempt.create({
        data: { deliveryId, ok: outcome.ok, statusCode: outcome.statusCode, error: outcome.error, durationMs: outcome.durationMs },
      }),
      db.alertDelivery.update({
        where: { id: deliveryId },
        data: {
          attempts,
          status: outcome.ok ? "delivered" : final ? "failed" : "pending",
          lastError: outcome.error,
          nextAttemptAt: BigInt(clock.now() + (final ? 0 : retryDelayMs(attempts, this.deps.backoffBaseMs, this.deps.backoffMaxMs ?? 60_000))),
        },
      }),
    ]);
    if (!outcome.ok && final && row) this.say(`alert to channel '${row.name}' not delivered after ${attempts} attempts: ${outcome.error}`);
  }

  /**
   * The notice of an event. A firing message retried after its alert resolved must not open it again in
   * Alertmanager (a post there is a state, not a message): it goes out ending when the alert resolved.
   */
  private async noticeFor(event: EventRow, channelType: string): Promise<AlertNotice> {
    const notice = noticeFromEvent(event);
    if (channelType !== "alertmanager" || notice.state !== "firing" || event.ruleId === null) return notice;
    const resolved = await this.deps.db.alertEvent.findFirst({
      where: { id: { gt: event.id }, kind: "resolved", ruleId: event.ruleId, targetKey: event.targetKey },
      orderBy: { id: "asc" },
      select: { at: true },
    });
    return resolved ? { ...notice, state: "resolved", at: resolved.at.toISOString() } : notice;
  }

  private say(message: string) {
    (this.deps.log ?? ((m: string) => console.warn(`[tidemark] ${m}`)))(message);
  }
}
