/**
 * What an alert says, and how each channel wants it: the documented generic JSON payload, a Slack incoming
 * webhook message, a Microsoft Teams Adaptive Card, a WeCom group-robot markdown message, and an e-mail.
 * Pure: the dispatcher (lib/server/alerts) only sends what these return.
 */
import type { AlertSeverity, TargetKind } from "./alert-conditions";

export interface AlertNotice {
  /** "test" is a channel's "send test" */
  kind: "firing" | "repeat" | "resolved" | "test";
  /** What the alert is now: resolved for a resolved message, firing otherwise */
  state: "firing" | "resolved";
  rule: { id: string | null; name: string; severity: AlertSeverity; condition: string };
  target: { kind: TargetKind; id: string; name: string };
  /** The measured value (null when unknown or infinite: see valueText) */
  value: number | null;
  valueText: string;
  threshold: number | null;
  unit: string;
  /** When the condition started to hold (ISO), null for a test */
  since: string | null;
  /** When this message was made (ISO) */
  at: string;
  /** The target's page in Tidemark */
  link: string;
  /** Event id in the alert history: the same for every attempt and channel, so receivers can drop repeats */
  eventId: number;
  /** Why a resolved alert closed when its condition did not end: "rule disabled", "rule changed", "rule deleted", "target gone" */
  reason?: string | null;
}

const label = { firing: "FIRING", repeat: "STILL FIRING", resolved: "RESOLVED", test: "TEST" } as const;
const targetLabel = (n: AlertNotice) => `${n.target.kind === "job" ? "job" : "consumer group"} ${n.target.name}`;

/** One line: "[FIRING] high lag — lag > 1,000 records on job orders: 5,321 records (warning)"; a resolved one says "back to …" or why it closed. */
export function summaryLine(n: AlertNotice): string {
  const value = n.kind === "resolved" ? (n.reason ? n.reason : `back to ${n.valueText}`) : n.valueText;
  return `[${label[n.kind]}] ${n.rule.name} — ${n.rule.condition} on ${targetLabel(n)}: ${value} (${n.rule.severity})`;
}

/** The generic webhook body (README "Alerts" documents it). Non-finite values become null. */
export function genericPayload(n: AlertNotice) {
  return {
    version: 1,
    kind: n.kind,
    state: n.state,
    rule: n.rule,
    target: n.target,
    value: n.value !== null && Number.isFinite(n.value) ? n.value : null,
    valueText: n.valueText,
    threshold: n.threshold,
    unit: n.unit,
    since: n.since,
    at: n.at,
    link: n.link,
    summary: summaryLine(n),
    eventId: n.eventId,
    reason: n.reason ?? null,
  };
}

const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const icon = (n: AlertNotice) => (n.kind === "test" ? "🧪" : n.state === "resolved" ? "✅" : n.rule.severity === "critical" ? "🔴" : n.rule.severity === "warning" ? "🟠" : "🔵");

/** Slack incoming webhook: `text` (notifications, fallback) plus Block Kit sections. */
export function slackPayload(n: AlertNotice) {
  const facts = [
    `*Target:* ${slackEscape(targetLabel(n))}`,
    `*Condition:* ${slackEscape(n.rule.condition)}`,
    `*Value:* ${slackEscape(n.valueText)}`,
    `*Severity:* ${n.rule.severity}`,
    ...(n.since ? [`*Since:* ${n.since}`] : []),
  ];
  return {
    text: summaryLine(n),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${icon(n)} *${label[n.kind]}* · *${slackEscape(n.rule.name)}*` } },
      { type: "section", text: { type: "mrkdwn", text: facts.join("\n") } },
      { type: "context", elements: [{ type: "mrkdwn", text: `<${n.link}|Open in Tidemark> · event #${n.eventId}` }] },
    ],
  };
}

/** Microsoft Teams (Workflows "post to a channel when a webhook request is received"): an Adaptive Card. */
export function teamsPayload(n: AlertNotice) {
  const color = n.kind === "test" ? "Accent" : n.state === "resolved" ? "Good" : n.rule.severity === "critical" ? "Attention" : "Warning";
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", size: "Medium", weight: "Bolder", color, wrap: true, text: `${label[n.kind]}: ${n.rule.name}` },
            { type: "TextBlock", wrap: true, text: summaryLine(n) },
            {
              type: "FactSet",
              facts: [
                { title: "Target", value: targetLabel(n) },
                { title: "Condition", value: n.rule.condition },
                { title: "Value", value: n.valueText },
                { title: "Severity", value: n.rule.severity },
                ...(n.since ? [{ title: "Since", value: n.since }] : []),
                { title: "Event", value: `#${n.eventId}` },
              ],
            },
          ],
          actions: [{ type: "Action.OpenUrl", title: "Open in Tidemark", url: n.link }],
        },
      },
    ],
  };
}

/** WeCom (企业微信) group robot: a markdown message, at most 4096 bytes. */
export function wecomPayload(n: AlertNotice) {
  const color = n.state === "resolved" ? "info" : n.rule.severity === "info" ? "comment" : "warning";
  const clean = (s: string) => s.replace(/[<>]/g, "");
  const lines = [
    `## <font color="${color}">${label[n.kind]}</font> ${clean(n.rule.name)}`,
    `> Target: ${clean(targetLabel(n))}`,
    `> Condition: ${clean(n.rule.condition)}`,
    `> Value: <font color="${color}">${clean(n.valueText)}</font>`,
    `> Severity: ${n.rule.severity}`,
    ...(n.since ? [`> Since: ${n.since}`] : []),
    `> Event: #${n.eventId}`,
    `[Open in Tidemark](${n.link})`,
  ];
  let content = lines.join("\n");
  while (Buffer.byteLength(content) > 4096) content = content.slice(0, -64);
  return { msgtype: "markdown", markdown: { content } };
}

export function emailMessage(n: AlertNotice): { subject: string; text: string } {
  const lines = [
    summaryLine(n),
    "",
    `Rule:      ${n.rule.name} (${n.rule.severity})`,
    `Target:    ${targetLabel(n)}`,
    `Condition: ${n.rule.condition}`,
    `Value:     ${n.valueText}`,
    ...(n.since ? [`Since:     ${n.since}`] : []),
    `At:        ${n.at}`,
    `Event:     #${n.eventId}`,
    "",
    n.link,
  ];
  return { subject: `[Tidemark] ${label[n.kind]}: ${n.rule.name} on ${targetLabel(n)}`.replace(/[\r\n]+/g, " "), text: lines.join("\n") };
}
