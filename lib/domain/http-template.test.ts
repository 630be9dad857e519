import { describe, expect, it } from "vitest";
import type { AlertNotice } from "./alert-messages";
import { alertmanagerAlert } from "./alertmanager-payload";
import { checkTemplate, renderTemplate, templateFields, templateValues } from "./http-template";

const notice: AlertNotice = {
  kind: "resolved",
  state: "resolved",
  rule: { id: "r1", name: "orders lag", severity: "warning", condition: "lag > 1,000 records" },
  target: { kind: "group", id: "billing", name: "billing" },
  value: null,
  valueText: "12 records",
  threshold: 1000,
  unit: "records",
  since: "2026-12-04T09:00:00.000Z",
  at: "2026-12-04T09:05:00.000Z",
  link: "http://t/groups/billing",
  eventId: 7,
  reason: null,
};

describe("templates", () => {
  it("every listed field has a value, nulls become empty text", () => {
    const values = templateValues(notice, { key: "s3" });
    for (const f of templateFields) expect(typeof values[f]).toBe("string");
    expect(values).toMatchObject({ value: "", reason: "", threshold: "1000", eventAction: "resolve", priority: "P3", dedupKey: "tidemark-r1-group-billing", "secrets.key": "s3" });
  });

  it("a URL template URL-encodes what it fills in", () => {
    expect(renderTemplate("https://x/a/{{target.name}}?q={{ state }}", "url", { "target.name": "a b/&?", state: "é" })).toBe("https://x/a/a%20b%2F%26%3F?q=%C3%A9");
  });

  it("text outside placeholders is kept byte for byte, including braces that open no placeholder pair", () => {
    expect(renderTemplate('{"a":{"b":"{{kind}}"}}', "json", { kind: 'x"' })).toBe('{"a":{"b":"x\\""}}');
  });

  it("a placeholder after an escaped quote is still known to be inside the string", () => {
    expect(checkTemplate('{"a":"say \\"{{rule.name}}\\" now"}', "json", [])).toEqual([]);
    expect(checkTemplate('{"a":"x", "b": {{rule.name}} }', "json", [])).toEqual(['{{rule.name}} must be inside a JSON string ("{{rule.name}}")']);
  });

  it("names that look like properties of objects are not fields", () => {
    for (const name of ["constructor", "__proto__", "toString", "rule", "secrets", "secrets.__proto__"]) {
      expect(checkTemplate(`{{${name}}}`, "form", []).length).toBeGreaterThan(0);
    }
    expect(renderTemplate("{{constructor}}|{{toString}}", "form", {})).toBe("|");
  });

  it("an unclosed or malformed placeholder is an error, a form body is not parsed as JSON", () => {
    expect(checkTemplate("a={{summary", "form", [])[0]).toContain("does not start a placeholder");
    expect(checkTemplate("a={{ summary | upper }}", "form", [])[0]).toContain("does not start a placeholder");
    expect(checkTemplate("a={{summary}}&b=}}", "form", [])).toEqual([]);
  });
});

describe("Alertmanager alerts", () => {
  it("a firing alert is valid for 4 resend intervals; a resolved one ends when it resolved", () => {
    const firing = alertmanagerAlert({ ...notice, kind: "firing", state: "firing", at: "2026-12-04T09:01:00.000Z" }, 60_000);
    expect(firing).toMatchObject({ startsAt: notice.since, endsAt: "2026-12-04T09:05:00.000Z", labels: { alertname: "orders lag", rule: "orders lag", severity: "warning", group: "billing", source: "tidemark" } });
    expect(firing.labels).not.toHaveProperty("job");
    const resolved = alertmanagerAlert(notice, 60_000);
    expect(resolved.endsAt).toBe(notice.at);
    expect(resolved.annotations.description).toBe("resolved: back to 12 records");
  });
});
