/**
 * A Tidemark alert as Alertmanager's API v2 wants it (POST /api/v2/alerts takes a list of these). The labels
 * name the alert, so they hold only what stays the same while it fires (rule, severity, job or group);
 * Alertmanager matches a resolve to its firing alert by them. Like Prometheus, a firing alert carries an endsAt
 * a few resend intervals ahead and is posted again before that, so an alert whose sender went away expires on
 * its own; a resolve carries endsAt = when it resolved.
 */
import type { AlertNotice } from "./alert-messages";

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/** How many resend intervals a firing alert stays valid without a new post (Prometheus uses 4). */
export const ALERTMANAGER_VALIDITY_RESENDS = 4;

/** Label values are free text; a label name must match [a-zA-Z_][a-zA-Z0-9_]*. */
export function alertmanagerLabels(n: Pick<AlertNotice, "rule" | "target">): Record<string, string> {
  return {
    alertname: n.rule.name,
    rule: n.rule.name,
    severity: n.rule.severity,
    [n.target.kind === "job" ? "job" : "group"]: n.target.name,
    source: "tidemark",
  };
}

/**
 * The alert for one notice. `resendMs` is how often the sender posts a firing alert again; a firing notice is
 * valid for ALERTMANAGER_VALIDITY_RESENDS of them from when it was made.
 */
export function alertmanagerAlert(n: AlertNotice, resendMs: number): AlertmanagerAlert {
  const atMs = Date.parse(n.at);
  const endsAt = n.state === "resolved" ? n.at : new Date(atMs + ALERTMANAGER_VALIDITY_RESENDS * resendMs).toISOString();
  const target = `${n.target.kind === "job" ? "job" : "consumer group"} ${n.target.name}`;
  return {
    labels: alertmanagerLabels(n),
    annotations: {
      summary: `${n.rule.name}: ${n.rule.condition} on ${target}`,
      description: n.state === "resolved" ? `resolved: ${n.reason ?? `back to ${n.valueText}`}` : `value: ${n.valueText}`,
      link: n.link,
    },
    startsAt: n.since ?? n.at,
    endsAt,
    generatorURL: n.link,
  };
}
