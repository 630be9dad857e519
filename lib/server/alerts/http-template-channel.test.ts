/**
 * The templated HTTP channel end to end on a real (temp) SQLite database: created through the contract and the
 * service, delivered by the real dispatcher over real HTTP to a node http server that keeps the exact bytes.
 * Hostile values (quotes, backslash, line breaks, &, =, non-ASCII) must arrive escaped for the content type; the
 * expected bytes were computed independently (Python's json.dumps and urllib.parse.quote_plus).
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertChannelSchema, type CreateAlertChannelInput } from "@/lib/contracts/alert-channels";
import type { Clock } from "@/lib/domain/ports";
import { AppError } from "../http/app-error";
import { tempDatabaseForTests, waitFor } from "@/lib/testing/temp-db";
import { AlertDispatcher } from "./alert-dispatcher";
import { createChannel, listChannels, updateChannel } from "./alert-channel-service";
import { insertEvents, type EventDetails } from "./alert-events";
import { defaultTransport } from "./channels";
import { startRecordingServer } from "./test-receivers";

const db = tempDatabaseForTests();
const deps = { db, actor: "test", publicUrl: "http://tidemark.test" };
let now = Date.parse("2026-12-04T10:00:00.000Z");
const clock: Clock = { now: () => now, sleep: async () => {} };

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
const received: Received[] = [];
/** Status codes to answer with, in order; then 200 */
const answers: number[] = [];
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ base, close } = await startRecordingServer((request) => {
    received.push({ method: request.method, url: request.url, headers: request.headers, body: request.body });
    return answers.shift() ?? 200;
  }));
});

afterAll(() => close());

const RULE = 'Say "hi" & leave\\ now = ok ✓ ünï 🚀';
const VALUE = 'line1\nline2\r\t"q" & a=b';
const TARGET = 'orders eu/"x"';

/** A firing event as the evaluator records it, with a pending delivery to `channelId`. */
async function queueFiring(channelId: string): Promise<number> {
  const details: EventDetails = {
    conditionText: "lag > 1,000 records",
    threshold: 1000,
    unit: "records",
    valueText: VALUE,
    since: "2026-12-04T09:58:00.000Z",
    targetKind: "job",
    targetId: "job-1",
    link: "http://tidemark.test/jobs/orders",
    silencedBy: null,
  };
  const event = await db.alertEvent.create({
    data: { at: new Date(now), kind: "firing", ruleId: "rule-1", ruleName: RULE, severity: "critical", targetKey: "job:job-1", targetName: TARGET, value: 5321, details: JSON.stringify(details) },
  });
  const delivery = await db.alertDelivery.create({ data: { eventId: event.id, channelId, channelName: "c", channelType: "http-template", nextAttemptAt: BigInt(now) } });
  return delivery.id;
}

/** Runs the dispatcher's rounds (the clock moved past each retry's backoff) until the delivery is settled. */
async function deliver(deliveryId: number) {
  const dispatcher = new AlertDispatcher({ db, transport: defaultTransport, clock, timeoutMs: 2000, maxAttempts: 3, backoffBaseMs: 1000 });
  const read = () => db.alertDelivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { tries: true } });
  for (let attempt = 1; attempt <= 3; attempt++) {
    await dispatcher.dispatchDue();
    await waitFor(async () => (await read()).attempts === attempt, `attempt ${attempt}`, 5000, 20);
    if ((await read()).status !== "pending") break;
    now += 60_000;
  }
  await dispatcher.stop();
  return read();
}

const channel = (input: Record<string, unknown>) => createChannel(deps, createAlertChannelSchema.parse({ type: "http-template", ...input }));

// Real HTTP and SQLite on a shared two-core machine: more than the unit default of 5 s.
describe("templated HTTP channel", { timeout: 30_000 }, () => {
  it("JSON: PUT with headers, a secret, a templated URL; every value JSON-escaped inside its string; retried after a 503", async () => {
    const c = await channel({
      name: "pager-json",
      method: "PUT",
      url: `${base}/hook/{{target.name}}?key={{secrets.apiKey}}`,
      headers: [
        { name: "X-Api-Key", value: "Bearer sup3r-s3cret-token", secret: true },
        { name: "X-Team", value: "ops" },
      ],
      secrets: [{ name: "apiKey", value: "k-0123456789" }],
      body: '{"routing_key":"{{secrets.apiKey}}","event_action":"{{eventAction}}","dedup_key":"{{dedupKey}}","summary":"{{summary}}","name":"{{ rule.name }}","value":"{{valueText}}","n":"{{value}}"}',
    });
    answers.push(503);
    const delivery = await deliver(await queueFiring(c.id));
    expect(delivery.status).toBe("delivered");
    expect(delivery.tries.map((t) => [t.ok, t.statusCode])).toEqual([
      [false, 503],
      [true, 200],
    ]);
    expect(delivery.tries[0].error).not.toContain("k-0123456789");

    const last = received.at(-1)!;
    expect(last.method).toBe("PUT");
    expect(last.url).toBe("/hook/orders%20eu%2F%22x%22?key=k-0123456789");
    expect(last.headers["content-type"]).toBe("application/json");
    expect(last.headers["x-api-key"]).toBe("Bearer sup3r-s3cret-token");
    expect(last.headers["x-team"]).toBe("ops");
    const expected =
      '{"routing_key":"k-0123456789","event_action":"trigger","dedup_key":"tidemark-rule-1-job-job-1",' +
      '"summary":"[FIRING] Say \\"hi\\" & leave\\\\ now = ok ✓ ünï 🚀 — lag > 1,000 records on job orders eu/\\"x\\": line1\\nline2\\r\\t\\"q\\" & a=b (critical)",' +
      '"name":"Say \\"hi\\" & leave\\\\ now = ok ✓ ünï 🚀","value":"line1\\nline2\\r\\t\\"q\\" & a=b","n":"5321"}';
    expect(last.body.equals(Buffer.from(expected, "utf8"))).toBe(true);
    expect(JSON.parse(last.body.toString("utf8"))).toMatchObject({ name: RULE, value: VALUE });
  });

  it("form: POST application/x-www-form-urlencoded with basic auth; values form-encoded so they cannot add fields", async () => {
    const c = await channel({
      name: "sms-form",
      url: `${base}/sms/send`,
      contentType: "application/x-www-form-urlencoded",
      headers: [{ name: "Authorization", value: `Basic ${Buffer.from("tidemark:pa55word").toString("base64")}`, secret: true }],
      body: "to=%2B4915112345678&from=Tidemark&text={{summary}}&name={{rule.name}}",
    });
    const delivery = await deliver(await queueFiring(c.id));
    expect(delivery.status).toBe("delivered");
    const last = received.at(-1)!;
    expect([last.method, last.url, last.headers["content-type"], last.headers.authorization]).toEqual([
      "POST",
      "/sms/send",
      "application/x-www-form-urlencoded",
      "Basic dGlkZW1hcms6cGE1NXdvcmQ=",
    ]);
    const expected =
      "to=%2B4915112345678&from=Tidemark&text=" +
      "%5BFIRING%5D+Say+%22hi%22+%26+leave%5C+now+%3D+ok+%E2%9C%93+%C3%BCn%C3%AF+%F0%9F%9A%80+%E2%80%94+lag+%3E+1%2C000+records+on+job+orders+eu%2F%22x%22%3A+line1%0Aline2%0D%09%22q%22+%26+a%3Db+%28critical%29" +
      "&name=Say+%22hi%22+%26+leave%5C+now+%3D+ok+%E2%9C%93+%C3%BCn%C3%AF+%F0%9F%9A%80";
    expect(last.body.toString("latin1")).toBe(expected);
    const fields = new URLSearchParams(last.body.toString("utf8"));
    expect([...fields.keys()]).toEqual(["to", "from", "text", "name"]);
    expect(fields.get("name")).toBe(RULE);
  });

  it("the API shows secret header values masked, secrets by name only, the URL by origin; the audit row holds no secret", async () => {
    const shown = (await listChannels(deps)).find((c) => c.name === "pager-json")!;
    expect(shown.url).toBe(`${base}/••••••`);
    expect(shown.template).toMatchObject({
      method: "PUT",
      headers: [
        { name: "X-Api-Key", value: "••••••", secret: true },
        { name: "X-Team", value: "ops", secret: false },
      ],
      secrets: ["apiKey"],
    });
    const everything = JSON.stringify([await listChannels(deps), await db.auditEvent.findMany()]);
    for (const secret of ["sup3r-s3cret-token", "k-0123456789", "dGlkZW1hcms6cGE1NXdvcmQ="]) expect(everything).not.toContain(secret);
  });

  it.each<[string, Partial<CreateAlertChannelInput> & Record<string, unknown>, string]>([
    ["an unknown placeholder", { body: '{"a":"{{rule.nmae}}"}' }, "{{rule.nmae}} is not a field"],
    ["a secret that is not defined", { body: '{"a":"{{secrets.key}}"}' }, "no secret named 'key'"],
    ["a placeholder outside a JSON string", { body: '{"a":{{value}}}' }, "must be inside a JSON string"],
    ["a body that is not JSON", { body: '{"a":"{{value}}"' }, "not valid JSON once filled in"],
    ["a code-like placeholder", { body: '{"a":"{{constructor.constructor(\'x\')()}}"}' }, "does not start a placeholder"],
    ["a reserved header", { body: "{}", headers: [{ name: "Content-Type", value: "text/plain" }] }, "set by Tidemark"],
    ["a header value with a line break", { body: "{}", headers: [{ name: "X-A", value: "a\r\nX-B: b" }] }, "control characters"],
    ["a URL with credentials", { body: "{}", url: "http://u:p@example.com/" }, "without credentials"],
  ])("refuses %s at creation", (_label, over, message) => {
    const result = createAlertChannelSchema.safeParse({ name: "bad", type: "http-template", url: "https://example.com/x", ...over });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join("; ")).toContain(message);
  });

  it("PATCH checks the templates against the result, refuses other types' settings, and keeps a secret header sent empty", async () => {
    const refused = async (update: Parameters<typeof updateChannel>[2]) => {
      const error = await updateChannel(deps, "pager-json", update).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("VALIDATION_FAILED");
      return (error as AppError).message;
    };
    expect(await refused({ body: '{"a":"{{nope}}"}' })).toContain("{{nope}} is not a field");
    expect(await refused({ secrets: [] })).toContain("no secret named 'apiKey'");
    expect(await refused({ to: ["a@example.com"] })).toContain("to: not a setting of http-template channels");

    await updateChannel(deps, "pager-json", { headers: [{ name: "X-Api-Key", value: "", secret: true }], body: '{"who":"{{target.name}}"}' });
    const delivery = await deliver(await queueFiring((await listChannels(deps)).find((c) => c.name === "pager-json")!.id));
    expect(delivery.status).toBe("delivered");
    const last = received.at(-1)!;
    expect(last.headers["x-api-key"]).toBe("Bearer sup3r-s3cret-token");
    expect(last.headers["x-team"]).toBeUndefined();
    expect(last.body.toString("utf8")).toBe('{"who":"orders eu/\\"x\\""}');
  });

  it("a channel set not to send resolved alerts gets no delivery for them", async () => {
    const quiet = await channel({ name: "no-resolved", url: `${base}/quiet`, body: '{"s":"{{summary}}"}', sendResolved: false });
    const refs = await db.alertChannel.findMany({ select: { id: true, name: true, type: true, config: true } });
    const event = (kind: "firing" | "resolved") => ({
      kind,
      rule: { id: "rule-1", name: "r", severity: "info" as const },
      target: { key: "job:job-1", name: "orders" },
      value: null,
      details: { conditionText: "c", threshold: null, unit: "", valueText: "v", since: null, targetKind: "job" as const, targetId: "job-1", link: "l", silencedBy: null },
      channelIds: [quiet.id],
    });
    const queued = await db.$transaction((tx) => insertEvents(tx, [event("firing"), event("resolved")], refs, now));
    expect(queued).toBe(1);
  });
});
