/**
 * The alert evaluator: on every tick (woken by the lag sampler after each sample it writes, and on its own
 * when no sample came for `intervalMs`) it judges every enabled rule on each of its targets from what the
 * database holds, moves each (rule, target) through pending → firing → resolved, and records history events
 * with pending deliveries. It never sends anything itself: the dispatcher does, off
 * this path, so a dead endpoint cannot slow a tick. State lives in AlertState rows and survives restarts.
 * Lifecycle: start() after the lag sampler, stop() before it (lib/server/boot.ts).
 */
import { describeCondition, evaluateCondition, formatValue, globMatch, type AlertTargetSignals } from "@/lib/domain/alert-conditions";
import type { AlertSignals, SignalNeeds } from "@/lib/domain/alert-signals";
import { matchingSilence, stepAlert, type OpenAlert } from "@/lib/domain/alert-state";
import type { Clock } from "@/lib/domain/ports";
import type { Db } from "../stores/tx";
import { closingEvent, insertEvents, targetLink, type NewEvent } from "./alert-events";
import { ruleFromRow, type RuleRecord } from "./alert-rules";
import { runPeriodically } from "../periodic-loop";

export interface AlertEvaluatorDeps {
  db: Db;
  signals: AlertSignals;
  clock: Clock;
  /** Longest wait between two evaluations; wake() starts one sooner */
  intervalMs: number;
  /** Base URL of the dashboard, for links in messages */
  publicUrl: string;
  /** Called when deliveries were queued (wakes the dispatcher) */
  onQueued?: () => void;
  log?: (message: string) => void;
}

export interface EvaluationTick {
  rules: number;
  targets: number;
  events: number;
  deliveries: number;
}

type Write =
  | { op: "upsert"; ruleId: string; targetKey: string; targetName: string; state: OpenAlert }
  | { op: "delete"; ruleId: string; targetKey: string };

export class AlertEvaluator {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private wakeUp = new AbortController();

  constructor(private readonly deps: AlertEvaluatorDeps) {}

  /** New samples were written: evaluate now (after the tick under way, if one is), not at the end of the wait. */
  wake(): void {
    this.wakeUp.abort();
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private run(): Promise<void> {
    const { clock, intervalMs } = this.deps;
    // A wake during a tick ends the wait after it: the newest samples are always evaluated.
    const wakeSignal = () => {
      if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
      return this.wakeUp.signal;
    };
    return runPeriodically({ clock, intervalMs, signal: this.abort.signal, tick: () => this.tick(), activity: "alert evaluation", say: (m) => this.say(m), wakeSignal });
  }


  /** One evaluation round; exposed for tests. */
  async tick(): Promise<EvaluationTick> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const rules = (await db.alertRule.findMany({ orderBy: { createdAt: "asc" } })).map(ruleFromRow);
    const enabled = rules.filter((r) => r.enabled);
    const [stateRows, silences, channels] = await Promise.all([
      db.alertState.findMany(),
      db.alertSilence.findMany({ where: { endsAt: { gt: new Date(now) } } }),
      db.alertChannel.findMany({ where: { enabled: true }, select: { id: true, name: true, type: true, config: true } }),
    ]);
    const signals = enabled.length > 0 ? await this.deps.signals.read(now, needsOf(enabled)) : [];
    const silenceList = silences.map((s) => ({ id: s.id, ruleId: s.ruleId, targetKey: s.targetKey, endsAt: s.endsAt.getTime() }));
    const open = new Map(stateRows.map((s) => [`${s.ruleId}\u0000${s.targetKey}`, s]));

    const writes: Write[] = [];
    const events: NewEvent[] = [];
    let targetCount = 0;
    for (const rule of enabled) {
      const targets = signals.filter((s) => appliesTo(rule, s));
      const seen = new Set<string>();
      for (const target of targets) {
        targetCount++;
        seen.add(target.key);
        const key = `${rule.id}\u0000${target.key}`;
        const row = open.get(key);
        open.delete(key);
        const prev = row ? toOpenAlert(row) : null;
        const result = evaluateCondition(rule.condition, target);
        const silence = matchingSilence(silenceList, rule.id, target.key, now);
        const step = stepAlert(prev, { active: result?.active ?? false, value: result?.value ?? null, nowMs: now, forMs: rule.forMs, repeatMs: rule.repeatMs, silenced: silence !== null });
        if (step.next) {
          if (!prev || !sameState(prev, step.next)) writes.push({ op: "upsert", ruleId: rule.id, targetKey: target.key, targetName: target.name, state: step.next });
        } else if (prev) {
          writes.push({ op: "delete", ruleId: rule.id, targetKey: target.key });
        }
        if (step.message) {
          const since = (prev ?? step.next)?.since ?? now;
          events.push({
            kind: step.message,
            rule,
            target: { key: target.key, name: target.name },
            value: result?.value ?? null,
            details: {
              conditionText: describeCondition(rule.condition),
              threshold: result?.threshold ?? null,
              unit: result?.unit ?? "",
              valueText: formatValue(rule.condition, result?.value ?? null),
              since: new Date(since).toISOString(),
              targetKind: target.kind,
              targetId: target.id,
              link: targetLink(this.deps.publicUrl, target.kind, target.name),
              silencedBy: silence?.id ?? null,
              ...(step.deliver || silence ? {} : { note: "nobody was told it fired, so no resolved message" }),
            },
            channelIds: step.deliver ? rule.channelIds.filter((id) => channels.some((c) => c.id === id)) : [],
          });
        }
      }
      // A target that went away (job deleted, group gone) resolves like a condition that stopped holding.
      for (const [key, row] of [...open]) {
        if (row.ruleId !== rule.id || seen.has(row.targetKey)) continue;
        open.delete(key);
        writes.push({ op: "delete", ruleId: row.ruleId, targetKey: row.targetKey });
        const closing = closingEvent(rule, row, "target gone", { silences: silenceList, channels, publicUrl: this.deps.publicUrl, nowMs: now });
        if (closing) events.push(closing);
      }
    }
    // Open alerts of rules no longer enabled. Changes through the API close them at once (closeRuleAlerts);
    // this catches a rule disabled any other way: a resolved message, as for any alert that ends.
    for (const row of open.values()) {
      writes.push({ op: "delete", ruleId: row.ruleId, targetKey: row.targetKey });
      const rule = rules.find((r) => r.id === row.ruleId);
      const closing = rule ? closingEvent(rule, row, "rule disabled", { silences: silenceList, channels, publicUrl: this.deps.publicUrl, nowMs: now }) : null;
      if (closing) events.push(closing);
    }

    let deliveries = 0;
    if (writes.length > 0 || events.length > 0) {
      await db.$transaction(async (tx) => {
        for (const w of writes) {
          if (w.op === "delete") {
            await tx.alertState.deleteMany({ where: { ruleId: w.ruleId, targetKey: w.targetKey } });
            continue;
          }
          const data = {
            targetName: w.targetName,
            state: w.state.state,
            since: BigInt(w.state.since),
            firingSince: w.state.firingSince === null ? null : BigInt(w.state.firingSince),
            lastNotifiedAt: w.state.lastNotifiedAt === null ? null : BigInt(w.state.lastNotifiedAt),
            value: finiteOrNull(w.state.value),
            updatedAt: BigInt(now),
          };
          await tx.alertState.upsert({ where: { ruleId_targetKey: { ruleId: w.ruleId, targetKey: w.targetKey } }, create: { ruleId: w.ruleId, targetKey: w.targetKey, ...data }, update: data });
        }
        deliveries = await insertEvents(tx, events, channels, now);
      });
    }
    if (deliveries > 0) this.deps.onQueued?.();
    return { rules: enabled.length, targets: targetCount, events: events.length, deliveries };
  }

  private say(message: string) {
    (this.deps.log ?? ((m: string) => console.warn(`[tidemark] ${m}`)))(message);
  }
}

function needsOf(rules: RuleRecord[]): SignalNeeds {
  return {
    groups: rules.some((r) => r.targetType === "groups"),
    slowBatchWindow: Math.max(0, ...rules.map((r) => (r.condition.type === "falling-behind" ? r.condition.batches : 0))),
    deadLetterWindowsMs: [...new Set(rules.flatMap((r) => (r.condition.type === "dead-letters" ? [r.condition.windowSeconds * 1000] : [])))],
  };
}

function appliesTo(rule: RuleRecord, s: AlertTargetSignals): boolean {
  switch (rule.targetType) {
    case "job":
      return s.kind === "job" && s.id === rule.targetValue;
    case "all-jobs":
      return s.kind === "job";
    case "groups":
      return s.kind === "group" && globMatch(rule.targetValue ?? "*", s.id);
  }
}

type StateRow = { state: string; since: bigint; firingSince: bigint | null; lastNotifiedAt: bigint | null; value: number | null };

function toOpenAlert(row: StateRow): OpenAlert {
  return {
    state: row.state === "firing" ? "firing" : "pending",
    since: Number(row.since),
    firingSince: row.firingSince === null ? null : Number(row.firingSince),
    lastNotifiedAt: row.lastNotifiedAt === null ? null : Number(row.lastNotifiedAt),
    value: row.value,
  };
}

function sameState(a: OpenAlert, b: OpenAlert): boolean {
  return a.state === b.state && a.since === b.since && a.firingSince === b.firingSince && a.lastNotifiedAt === b.lastNotifiedAt && finiteOrNull(a.value) === finiteOrNull(b.value);
}

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}
