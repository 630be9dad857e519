import { describe, expect, it } from "vitest";
import { emailMessage, genericPayload, slackPayload, summaryLine, teamsPayload, wecomPayload, type AlertNotice } from "./alert-messages";

const notice = (over: Partial<AlertNotice> = {}): AlertNotice => ({
  kind: "firing",
  state: "firing",
  rule: { id: "r1", name: "orders lag", severity: "critical", condition: "lag > 1,000 records" },
  target: { kind: "job", id: "j1", name: "orders-by-customer" },
  value: 5321,
  valueText: "5,321 records",
  threshold: 1000,
  unit: "records",
  since: "2026-11-27T10:00:00.000Z",
  at: "2026-11-27T10:00:10.000Z",
  link: "http://localhost:3000/jobs/orders-by-customer",
  eventId: 7,
  ...over,
});

describe("alert messages", () => {
  it("summary line says what, where, how much", () => {
    expect(summaryLine(notice())).toBe("[FIRING] orders lag — lag > 1,000 records on job orders-by-customer: 5,321 records (critical)");
    expect(summaryLine(notice({ kind: "resolved", state: "resolved", valueText: "0 records" }))).toContain("[RESOLVED]");
    expect(summaryLine(notice({ kind: "resolved", state: "resolved", valueText: "0 records" }))).toContain("back to 0 records");
    expect(summaryLine(notice({ kind: "resolved", state: "resolved", value: null, valueText: "rule disabled", reason: "rule disabled" }))).toBe(
      "[RESOLVED] orders lag — lag > 1,000 records on job orders-by-customer: rule disabled (critical)",
    );
  });

  it("generic payload has the documented fields; an infinite value becomes null", () => {
    const p = genericPayload(notice({ value: Number.POSITIVE_INFINITY, valueText: "never" }));
    expect(Object.keys(p).sort()).toEqual(["at", "eventId", "kind", "link", "reason", "rule", "since", "state", "summary", "target", "threshold", "unit", "value", "valueText", "version"].sort());
    expect(p.value).toBeNull();
    expect(p.reason).toBeNull();
    expect(genericPayload(notice({ kind: "resolved", state: "resolved", reason: "rule deleted" })).reason).toBe("rule deleted");
    expect(JSON.parse(JSON.stringify(p)).rule).toEqual({ id: "r1", name: "orders lag", severity: "critical", condition: "lag > 1,000 records" });
  });

  it("Slack: text fallback plus blocks, with <, > and & escaped", () => {
    const p = slackPayload(notice({ rule: { id: "r", name: "<b>&", severity: "warning", condition: "lag > 5" } }));
    expect(p.text).toContain("[FIRING]");
    const all = JSON.stringify(p.blocks);
    expect(all).toContain("&lt;b&gt;&amp;");
    expect(all).toContain("<http://localhost:3000/jobs/orders-by-customer|Open in Tidemark>");
  });

  it("Teams: an Adaptive Card in a message attachment", () => {
    const p = teamsPayload(notice());
    expect(p.type).toBe("message");
    expect(p.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(p.attachments[0].content.type).toBe("AdaptiveCard");
    expect(p.attachments[0].content.body[0]).toMatchObject({ text: "FIRING: orders lag", color: "Attention" });
    expect(p.attachments[0].content.actions[0].url).toBe("http://localhost:3000/jobs/orders-by-customer");
  });

  it("WeCom: markdown msgtype, within 4096 bytes", () => {
    const p = wecomPayload(notice());
    expect(p.msgtype).toBe("markdown");
    expect(p.markdown.content).toMatch(/^## <font color="warning">FIRING<\/font> orders lag/);
    expect(p.markdown.content).toContain("[Open in Tidemark](http://localhost:3000/jobs/orders-by-customer)");
    const long = wecomPayload(notice({ rule: { id: "r", name: "x".repeat(10_000), severity: "info", condition: "c" } }));
    expect(Buffer.byteLength(long.markdown.content)).toBeLessThanOrEqual(4096);
  });

  it("every format carries the event id: the same on every attempt and channel, so a receiver can drop a repeat", () => {
    const n = notice({ eventId: 4242 });
    expect(genericPayload(n).eventId).toBe(4242);
    expect(JSON.stringify(slackPayload(n).blocks)).toContain("event #4242");
    expect(teamsPayload(n).attachments[0].content.body[2].facts).toContainEqual({ title: "Event", value: "#4242" });
    expect(wecomPayload(n).markdown.content).toContain("> Event: #4242");
    expect(emailMessage(n).text).toContain("Event:     #4242");
  });

  it("e-mail: a one-line subject and a plain-text body", () => {
    const m = emailMessage(notice({ target: { kind: "group", id: "g", name: "evil\r\nBcc: x@y" } }));
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.text).toContain("Value:     5,321 records");
  });
});
