/** Alert history rows: what the evaluator (and a rule's change) records, and the notice the dispatcher builds from one. */
import { describeCondition, type AlertSeverity, type TargetKind } from "@/lib/domain/alert-conditions";
import type { AlertNotice } from "@/lib/domain/alert-messages";
import { matchingSilence, type SilenceMatcher } from "@/lib/domain/alert-state";
import type { Tx } from "../stores/tx";
import type { RuleRecord } from "./alert-rules";

export interface EventDetails {
  conditionText: string;
  threshold: number | null;
  unit: string;
  valueText: string;
  /** ISO time the condition started to hold */
  since: string | null;
  targetKind: TargetKind;
  targetId: string;
  link: string;
  /** Silence id that muted this event's delivery */
  silencedBy: string | null;
  /** Why nothing was delivered, when that was not a silence */
  note?: string;
  /** Why a resolved alert closed when it was not its condition ending: "rule disabled", "rule changed", "rule deleted", "target gone" */
  reason?: string;
}

export interface EventRow {
  id: number;
  at: Date;
  kind: string;
  ruleId: string | null;
  ruleName: string;
  severity: string;
  targetKey: string;
  targetName: string;
  value: number | null;
  details: string;
}

export function parseDetails(row: { details: string }): EventDetails {
  return JSON.parse(row.details) as EventDetails;
}

export function noticeFromEvent(row: EventRow): AlertNotice {
  const d = parseDetails(row);
  const kind = row.kind as AlertNotice["kind"];
  return {
    kind,
    state: kind === "resolved" ? "resolved" : "firing",
    rule: { id: row.ruleId, name: row.ruleName, severity: row.severity as AlertSeverity, condition: d.conditionText },
    target: { kind: d.targetKind, id: d.targetId, name: row.targetName },
    value: row.value,
    valueText: d.valueText,
    threshold: d.threshold,
    unit: d.unit,
    since: d.since,
    at: row.at.toISOString(),
    link: d.link,
    eventId: row.id,
    reason: d.reason ?? null,
  };
}

/** The target's page in the dashboard. */
export function targetLink(publicUrl: string, kind: TargetKind, name: string): string {
  const base = publicUrl.replace(/\/+$/, "");
  return kind === "job" ? `${base}/jobs/${encodeURIComponent(name)}` : `${base}/groups/${encodeURIComponent(name)}`;
}

/** An event to record, with the channels it goes to (none when muted or nobody was told it fired). */
export interface NewEvent {
  kind: "firing" | "repeat" | "resolved";
  rule: Pick<RuleRecord, "id" | "name" | "severity">;
  target: { key: string; name: string };
  value: number | null;
  details: EventDetails;
  channelIds: string[];
}

export interface ChannelRef {
  id: string;
  name: string;
  type: string;
  /** The channel's settings (JSON): a template channel may not want resolved messages */
  config?: string;
}

/** A template channel set not to send resolved alerts gets no delivery for them (rather than one that sends nothing). */
function skipsResolved(c: ChannelRef): boolean {
  return c.type === "http-template" && c.config !== undefined && (JSON.parse(c.config) as { sendResolved?: boolean }).sendResolved === false;
}

/** Writes events and a pending delivery per channel; returns how many deliveries were queued. */
export async function insertEvents(tx: Tx, events: NewEvent[], channels: ChannelRef[], nowMs: number): Promise<number> {
  let deliveries = 0;
  for (const e of events) {
    const event = await tx.alertEvent.create({
      data: {
        at: new Date(nowMs),
        kind: e.kind,
        ruleId: e.rule.id,
        ruleName: e.rule.name,
        severity: e.rule.severity,
        targetKey: e.target.key,
        targetName: e.target.name,
        value: e.value !== null && Number.isFinite(e.value) ? e.value : null,
        details: JSON.stringify(e.details),
      },
    });
    for (const channelId of e.channelIds) {
      const channel = channels.find((c) => c.id === channelId);
      if (!channel || (e.kind === "resolved" && skipsResolved(channel))) continue;
      await tx.alertDelivery.create({ data: { eventId: event.id, channelId, channelName: channel.name, channelType: channel.type, nextAttemptAt: BigInt(nowMs) } });
      deliveries++;
    }
  }
  return deliveries;
}

export interface OpenAlertRow {
  ruleId: string;
  targetKey: string;
  targetName: string;
  state: string;
  since: bigint;
  lastNotifiedAt: bigint | null;
}

/**
 * The resolved event of an open alert that closes for `reason` rather than because its condition stopped
 * holding (its rule was disabled, changed or deleted, or its target went away); null for a pending alert,
 * which nobody was told about. It goes to the rule's channels when its firing message got out and no silence
 * mutes it now, like any resolved message.
 */
export function closingEvent(
  rule: RuleRecord,
  row: OpenAlertRow,
  reason: string,
  ctx: { silences: SilenceMatcher[]; channels: ChannelRef[]; publicUrl: string; nowMs: number },
): NewEvent | null {
  if (row.state !== "firing") return null;
  const silence = matchingSilence(ctx.silences, rule.id, row.targetKey, ctx.nowMs);
  const deliver = !silence && row.lastNotifiedAt !== null;
  const i = row.targetKey.indexOf(":");
  const kind: TargetKind = row.targetKey.slice(0, i) === "group" ? "group" : "job";
  return {
    kind: "resolved",
    rule,
    target: { key: row.targetKey, name: row.targetName },
    value: null,
    details: {
      conditionText: describeCondition(rule.condition),
      threshold: null,
      unit: "",
      valueText: reason,
      since: new Date(Number(row.since)).toISOString(),
      targetKind: kind,
      targetId: row.targetKey.slice(i + 1),
      link: targetLink(ctx.publicUrl, kind, row.targetName),
      silencedBy: silence?.id ?? null,
      reason,
      ...(deliver || silence ? {} : { note: "nobody was told it fired, so no resolved message" }),
    },
    channelIds: deliver ? rule.channelIds.filter((id) => ctx.channels.some((c) => c.id === id)) : [],
  };
}

/**
 * Closes a rule's open alerts because the rule itself changed (inside the change's transaction): records a
 * resolved event for each firing one (delivered as closingEvent says) and deletes the open alerts. The
 * dispatcher finds the pending deliveries on its next poll.
 */
export async function closeRuleAlerts(tx: Tx, rule: RuleRecord, reason: string, publicUrl: string, nowMs: number): Promise<number> {
  const [rows, silences, channels] = await Promise.all([
    tx.alertState.findMany({ where: { ruleId: rule.id } }),
    tx.alertSilence.findMany({ where: { endsAt: { gt: new Date(nowMs) } } }),
    tx.alertChannel.findMany({ where: { enabled: true }, select: { id: true, name: true, type: true, config: true } }),
  ]);
  const ctx = { silences: silences.map((s) => ({ id: s.id, ruleId: s.ruleId, targetKey: s.targetKey, endsAt: s.endsAt.getTime() })), channels, publicUrl, nowMs };
  const events = rows.flatMap((row) => closingEvent(rule, row, reason, ctx) ?? []);
  const deliveries = await insertEvents(tx, events, channels, nowMs);
  await tx.alertState.deleteMany({ where: { ruleId: rule.id } });
  return deliveries;
}
