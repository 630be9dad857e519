/**
 * The life of one rule on one target: inactive → pending (condition holds, not yet for `forMs`) → firing →
 * resolved (back to inactive). Pure: the evaluator persists `OpenAlert` so the state survives a restart.
 * Silences mute deliveries, not the state: a firing alert that was muted is told when the silence ends.
 */

export interface OpenAlert {
  state: "pending" | "firing";
  /** When the condition started to hold (epoch ms) */
  since: number;
  firingSince: number | null;
  /** Last firing or repeat message delivered (epoch ms); null while none got out */
  lastNotifiedAt: number | null;
  value: number | null;
}

export interface StepInput {
  active: boolean;
  value: number | null;
  nowMs: number;
  forMs: number;
  /** Resend while firing every this many ms; null: once only */
  repeatMs: number | null;
  silenced: boolean;
}

export type AlertMessageKind = "firing" | "repeat" | "resolved";

export interface StepResult {
  next: OpenAlert | null;
  /** A history event to record, if any */
  message: AlertMessageKind | null;
  /** Whether the message goes to the rule's channels (false when silenced or nobody was told it fired) */
  deliver: boolean;
}

export function stepAlert(prev: OpenAlert | null, input: StepInput): StepResult {
  const { active, value, nowMs, forMs, repeatMs, silenced } = input;
  if (!active) {
    if (prev?.state !== "firing") return { next: null, message: null, deliver: false };
    return { next: null, message: "resolved", deliver: !silenced && prev.lastNotifiedAt !== null };
  }
  const open: OpenAlert = prev ? { ...prev, value } : { state: "pending", since: nowMs, firingSince: null, lastNotifiedAt: null, value };
  if (open.state === "pending") {
    if (nowMs - open.since < forMs) return { next: open, message: null, deliver: false };
    const firing: OpenAlert = { ...open, state: "firing", firingSince: nowMs, lastNotifiedAt: silenced ? null : nowMs };
    return { next: firing, message: "firing", deliver: !silenced };
  }
  if (silenced) return { next: open, message: null, deliver: false };
  if (open.lastNotifiedAt === null) {
    // It fired while muted: now that the silence is over, say so.
    return { next: { ...open, lastNotifiedAt: nowMs }, message: "firing", deliver: true };
  }
  if (repeatMs !== null && nowMs - open.lastNotifiedAt >= repeatMs) {
    return { next: { ...open, lastNotifiedAt: nowMs }, message: "repeat", deliver: true };
  }
  return { next: open, message: null, deliver: false };
}

export interface SilenceMatcher {
  id: string;
  ruleId: string | null;
  targetKey: string | null;
  endsAt: number;
}

/** The silence that mutes this rule on this target now, if any: each set field must match. */
export function matchingSilence<S extends SilenceMatcher>(silences: S[], ruleId: string, targetKey: string, nowMs: number): S | null {
  return (
    silences.find(
      (s) => s.endsAt > nowMs && (s.ruleId !== null || s.targetKey !== null) && (s.ruleId === null || s.ruleId === ruleId) && (s.targetKey === null || s.targetKey === targetKey),
    ) ?? null
  );
}

/** Delay before retry `attempt` (1 = the first retry): doubling from `baseMs`, capped. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
