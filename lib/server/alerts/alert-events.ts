/** Alert history rows: what the evaluator records, and the notice the dispatcher builds from one. */
import type { AlertSeverity, TargetKind } from "@/lib/domain/alert-conditions";
import type { AlertNotice } from "@/lib/domain/alert-messages";

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
  };
}

/** The target's page in the dashboard. */
export function targetLink(publicUrl: string, kind: TargetKind, name: string): string {
  const base = publicUrl.replace(/\/+$/, "");
  return kind === "job" ? `${base}/jobs/${encodeURIComponent(name)}` : `${base}/groups/${encodeURIComponent(name)}`;
}
