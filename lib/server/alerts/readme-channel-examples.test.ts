/**
 * The HTTP template examples in README "Alerts" (SMS gateway, PagerDuty Events v2, Opsgenie), read from the
 * README itself: each is accepted by the API's contract, and the requests it makes for a firing and a resolved
 * alert have the shape the receiving tool documents (PagerDuty Events API v2, Opsgenie Alert API), so a copied
 * example works and the README cannot drift from what the server accepts.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAlertChannelSchema } from "@/lib/contracts/alert-channels";
import type { AlertNotice } from "@/lib/domain/alert-messages";
import { storedTemplate, templateFromRow, templateRequest } from "./http-template-channel";

const README = fs.readFileSync(path.join(import.meta.dirname, "../../../README.md"), "utf8");

/** The first ```json block after the paragraph that starts with `intro`. */
function exampleAfter(intro: string): unknown {
  const at = README.indexOf(`\n${intro}`);
  expect(at, `README paragraph "${intro}"`).toBeGreaterThan(0);
  const block = /```json\n([\s\S]*?)\n```/.exec(README.slice(at));
  expect(block, `a json block after "${intro}"`).not.toBeNull();
  return JSON.parse(block![1]);
}

/** The requests one README example makes for a firing alert and for its resolve. */
function requestsOf(intro: string) {
  const parsed = createAlertChannelSchema.safeParse(exampleAfter(intro));
  expect(parsed.error?.issues ?? [], intro).toEqual([]);
  if (parsed.data?.type !== "http-template") throw new Error(`${intro}: not an http-template channel`);
  const stored = storedTemplate(parsed.data);
  const channel = templateFromRow(stored.config, stored.secret);
  return { firing: templateRequest(channel, firing)!, resolved: templateRequest(channel, resolved)! };
}

const firing: AlertNotice = {
  kind: "firing",
  state: "firing",
  rule: { id: "rule-7", name: 'orders "lag"', severity: "critical", condition: "lag > 1,000 records" },
  target: { kind: "job", id: "job-1", name: "orders & co" },
  value: 5321,
  valueText: "5,321 records",
  threshold: 1000,
  unit: "records",
  since: "2026-12-04T09:58:00.000Z",
  at: "2026-12-04T10:00:00.000Z",
  link: "http://tidemark.test/jobs/orders",
  eventId: 11,
};
const resolved: AlertNotice = { ...firing, kind: "resolved", state: "resolved", valueText: "12 records", at: "2026-12-04T10:20:00.000Z", eventId: 12 };

describe("README's HTTP template examples", () => {
  it("SMS gateway: a form POST with basic auth whose text is the alert's summary", () => {
    const { firing: sms } = requestsOf("An SMS gateway");
    expect(sms.method).toBe("POST");
    expect(sms.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(sms.headers.Authorization).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
    const fields = new URLSearchParams(sms.body);
    expect([...fields.keys()]).toEqual(["to", "from", "text"]);
    expect(fields.get("to")).toBe("+15550100");
    expect(fields.get("text")).toBe('[FIRING] orders "lag" — lag > 1,000 records on job orders & co: 5,321 records (critical)');
  });

  it("PagerDuty Events v2: trigger then resolve with one dedup_key, severity and summary as the API requires", () => {
    const { firing: trigger, resolved: resolve } = requestsOf("PagerDuty Events v2");
    const bodies = [trigger, resolve].map((r) => {
      expect([r.method, r.url, r.headers["content-type"]]).toEqual(["POST", "https://events.pagerduty.com/v2/enqueue", "application/json"]);
      return JSON.parse(r.body) as { routing_key: string; event_action: string; dedup_key: string; payload: { summary: string; source: string; severity: string }; links: { href: string }[] };
    });
    expect(bodies.map((b) => b.event_action)).toEqual(["trigger", "resolve"]);
    expect(bodies[0].dedup_key).toBe(bodies[1].dedup_key);
    expect(bodies[0].routing_key).toBe("<integration key>");
    const { payload } = bodies[0];
    expect(["critical", "error", "warning", "info"]).toContain(payload.severity);
    expect(payload.summary.length).toBeGreaterThan(0);
    expect(payload.summary.length).toBeLessThanOrEqual(1024);
    expect(payload.source).toBe("orders & co");
    expect(bodies[0].links[0].href).toBe(firing.link);
  });

  it("Opsgenie: created with an alias and a P1–P5 priority, closed by that alias", () => {
    const { firing: create, resolved: close } = requestsOf("Opsgenie");
    expect([create.method, create.url, create.headers.Authorization]).toEqual(["POST", "https://api.opsgenie.com/v2/alerts", "GenieKey <API key>"]);
    const alert = JSON.parse(create.body) as { message: string; alias: string; priority: string };
    expect(alert.message).toBe('orders "lag" on orders & co');
    expect(alert.priority).toMatch(/^P[1-5]$/);
    expect(alert.alias.length).toBeLessThanOrEqual(512);
    expect(close.url).toBe(`https://api.opsgenie.com/v2/alerts/${encodeURIComponent(alert.alias)}/close?identifierType=alias`);
    expect(JSON.parse(close.body)).toMatchObject({ source: "Tidemark", note: expect.stringContaining("[RESOLVED]") });
  });
});
