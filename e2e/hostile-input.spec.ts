import http from "node:http";
import net from "node:net";
import Database from "better-sqlite3";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { mutatingEndpoints } from "./api-routes";
import { spawnServer, type SpawnedServer } from "./spawn-server";
import { serverBrokers } from "./support";

/**
 * Bad input against every mutating endpoint, on a server of its own started with TIDEMARK_RUNTIME=0:
 * no runtime, lag sampler or alert loop writes to its database, so the whole database (every table)
 * must come out of the barrage exactly as it went in. Over 300 lines on purpose: the table of bad inputs
 * per endpoint is the test, and its cases share the one server.
 */

/** Every table of the database, schema and rows in a stable order. */
function dumpDatabase(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const objects = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").all() as { type: string; name: string; sql: string | null }[];
    const tables = objects.filter((o) => o.type === "table").map((o) => o.name);
    expect(tables).toEqual(expect.arrayContaining(["Job", "AuditEvent", "AlertEvent", "AlertDelivery", "LagSample", "User", "ApiToken"]));
    // A sign-in with a well-formed but wrong name or password is a failed sign-in, counted in SignInCounter
    // (shared by instances) by design: that table's rows are checked in the sign-in tests, not here.
    const kept = tables.filter((t) => t !== "SignInCounter");
    // Ordered by every column: a stable order whether a table has a rowid or not (StoredRecord has none).
    const rowsOf = (t: string) => {
      const columns = db.prepare(`PRAGMA table_info("${t}")`).all().length;
      return db.prepare(`SELECT * FROM "${t}" ORDER BY ${Array.from({ length: columns }, (_, i) => i + 1).join(", ")}`).all();
    };
    return JSON.stringify({ objects, rows: kept.map((t) => [t, rowsOf(t)]) }, (_k, v) =>
      typeof v === "bigint" ? v.toString() : Buffer.isBuffer(v) ? v.toString("hex") : v,
    );
  } finally {
    db.close();
  }
}

type Kind = "wrong type" | "out of range" | "oversized" | "unknown field" | "injection" | "not JSON";
const kinds: Kind[] = ["wrong type", "out of range", "oversized", "unknown field", "injection", "not JSON"];

/** A JSON value, raw text sent as is, or a body streamed with chunked encoding (no Content-Length). */
type Body = { json: unknown } | { raw: string } | { chunkedBytes: number } | undefined;
interface Case {
  kind: Kind;
  why: string;
  /** Defaults to the endpoint's real target. */
  path?: () => string;
  body?: Body;
  status: number;
  code: string;
}
/** A kind that cannot apply to an endpoint, with the reason. */
interface NotApplicable {
  kind: Kind;
  na: string;
}
interface Endpoint {
  /** The real target (an existing job, rule, user …), so validation runs against it. */
  path: () => string;
  cases: (Case | NotApplicable)[];
}

const injection = "'; DROP TABLE \"Job\"; --";
const script = "<script>alert(1)</script>";
const hugeJson = (extra: Record<string, unknown> = {}) => JSON.stringify({ ...extra, pad: "x".repeat(70 * 1024) });
const json = (value: unknown): Body => ({ json: value });
const raw = (text: string): Body => ({ raw: text });

/** What every endpoint gets: a body that is not JSON, and bodies over 64 KiB with and without Content-Length. */
const common = (): Case[] => [
  { kind: "not JSON", why: "broken JSON", body: raw("{ not json"), status: 400, code: "INVALID_JSON" },
  { kind: "not JSON", why: "form-encoded", body: raw("name=x&role=admin"), status: 400, code: "INVALID_JSON" },
  { kind: "oversized", why: "70 KiB with Content-Length", body: raw(hugeJson()), status: 413, code: "PAYLOAD_TOO_LARGE" },
  { kind: "oversized", why: "70 KiB chunked, no Content-Length", body: { chunkedBytes: 70 * 1024 }, status: 413, code: "PAYLOAD_TOO_LARGE" },
];

/** An endpoint that takes no body: any body with content is refused; hostile ids find nothing. */
function bodiless(path: () => string, pathWith: ((id: string) => string) | null, notFound: string): Endpoint {
  return {
    path,
    cases: [
      ...common(),
      { kind: "wrong type", why: "a JSON array", body: json([1]), status: 400, code: "VALIDATION_FAILED" },
      { kind: "wrong type", why: "a JSON string", body: raw('"go"'), status: 400, code: "VALIDATION_FAILED" },
      { kind: "wrong type", why: "JSON null", body: raw("null"), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "a field it does not take", body: json({ force: true }), status: 400, code: "VALIDATION_FAILED" },
      ...(pathWith
        ? [
            { kind: "injection" as const, why: "SQL in the id", path: () => pathWith(encodeURIComponent(injection)), status: 404, code: notFound },
            { kind: "injection" as const, why: "path traversal in the id", path: () => pathWith("..%2F..%2Fetc%2Fpasswd"), status: 404, code: notFound },
            { kind: "out of range" as const, why: "a 2,000-character id", path: () => pathWith("x".repeat(2000)), status: 404, code: notFound },
          ]
        : [
            { kind: "injection" as const, why: "SQL in a field", body: json({ session: injection }), status: 400, code: "VALIDATION_FAILED" },
            { kind: "out of range" as const, na: "no id and no values" },
          ]),
    ],
  };
}

// Real targets, made in beforeAll (names are unique per run).
const tag = Date.now().toString(36);
const t = {
  topic: uniqueTopicName("e2e-hostile"),
  job: `hostile-${tag}`,
  running: `hostile-${tag}-running`,
  rule: `hostile-rule-${tag}`,
  channel: `hostile-channel-${tag}`,
  silenceId: "",
  user: `hostile-user-${tag}`,
  tokenId: `hostile-token-${tag}`,
};

const endpoints: Record<string, Endpoint> = {
  "POST /api/jobs": {
    path: () => "/api/jobs",
    cases: [
      ...common(),
      { kind: "wrong type", why: "name a number", body: json({ name: 7, topics: [t.topic], processor: "count-by-key" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "wrong type", why: "topics a string", body: json({ name: "ok", topics: t.topic, processor: "count-by-key" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "wrong type", why: "body null", body: raw("null"), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "negative interval", body: json({ name: "ok", topics: [t.topic], processor: "count-by-key", batchIntervalMs: -5 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "huge interval", body: json({ name: "ok", topics: [t.topic], processor: "count-by-key", batchIntervalMs: 1e12 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "21 topics", body: json({ name: "ok", topics: Array.from({ length: 21 }, (_, i) => `t${i}`), processor: "count-by-key" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "oversized", why: "65-character name", body: json({ name: "a".repeat(65), topics: [t.topic], processor: "count-by-key" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "isAdmin", body: json({ name: "ok", topics: [t.topic], processor: "count-by-key", isAdmin: true }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "__proto__", body: raw(`{"name":"ok","topics":["${"x"}"],"processor":"count-by-key","__proto__":{"polluted":1}}`), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL in the name", body: json({ name: injection, topics: [t.topic], processor: "count-by-key" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "HTML in a topic", body: json({ name: "ok", topics: [script], processor: "count-by-key" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL in a topic", body: json({ name: "ok", topics: [injection], processor: "count-by-key" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "a topic that does not exist", body: json({ name: "ok", topics: ["no-such-topic-x"], processor: "count-by-key" }), status: 422, code: "UNKNOWN_TOPIC" },
    ],
  },
  "PATCH /api/jobs/:id": {
    path: () => `/api/jobs/${t.job}`,
    cases: [
      ...common(),
      { kind: "wrong type", why: "interval a string", body: json({ batchIntervalMs: "fast" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "wrong type", why: "backpressure a string", body: json({ backpressure: "yes" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "wrong type", why: "an array", body: json([{ batchIntervalMs: 1000 }]), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "interval 50", body: json({ batchIntervalMs: 50 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "maxAttempts 101", body: json({ maxAttempts: 101 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "a processor config the processor refuses", body: json({ processorConfig: { windowMs: -1 } }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "no field at all", body: json({}), status: 400, code: "VALIDATION_FAILED" },
      { kind: "oversized", why: "21 topics", body: json({ topics: Array.from({ length: 21 }, (_, i) => `t${i}`) }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "a new name (names do not change)", body: json({ name: "renamed" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "desiredState", body: json({ desiredState: "running" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL in a topic", body: json({ topics: [injection] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL as processor", body: json({ processor: injection }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "a running job", path: () => `/api/jobs/${t.running}`, body: json({ batchIntervalMs: 3000 }), status: 409, code: "JOB_RUNNING" },
      { kind: "injection", why: "SQL as the id", path: () => `/api/jobs/${encodeURIComponent(injection)}`, body: json({ batchIntervalMs: 3000 }), status: 404, code: "JOB_NOT_FOUND" },
    ],
  },
  "DELETE /api/jobs/:id": (() => {
    const e = bodiless(() => `/api/jobs/${t.job}`, (id) => `/api/jobs/${id}`, "JOB_NOT_FOUND");
    e.cases.push({ kind: "injection", why: "a running job", path: () => `/api/jobs/${t.running}`, status: 409, code: "JOB_RUNNING" });
    return e;
  })(),
  "POST /api/jobs/:id/start": bodiless(() => `/api/jobs/${t.job}/start`, (id) => `/api/jobs/${id}/start`, "JOB_NOT_FOUND"),
  "POST /api/jobs/:id/stop": bodiless(() => `/api/jobs/${t.running}/stop`, (id) => `/api/jobs/${id}/stop`, "JOB_NOT_FOUND"),
  "POST /api/jobs/:id/offsets/reset": {
    path: () => `/api/jobs/${t.job}/offsets/reset`,
    cases: [
      ...common(),
      { kind: "wrong type", why: "offset a string", body: json({ mode: "to-offset", value: "12", dryRun: false, expect: [] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "wrong type", why: "dryRun a string", body: json({ mode: "to-earliest", dryRun: "no" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "negative offset", body: json({ mode: "to-offset", value: -5, dryRun: false, expect: [] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "fractional offset", body: json({ mode: "to-offset", value: 1.5, dryRun: false, expect: [] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "a date before 1970", body: json({ mode: "to-datetime", value: "1969-12-31T23:59:59Z" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "an impossible date", body: json({ mode: "to-datetime", value: "2026-13-45T99:00:00Z", dryRun: false, expect: [] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "per-partition offset -1", body: json({ mode: "per-partition", targets: [{ topic: "t", partition: 0, offset: -1 }], dryRun: false, expect: [] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "rollback without to-batch", body: json({ mode: "to-offset", value: 0, results: "rollback", dryRun: false, expect: [] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "applying without the previewed plan", body: json({ mode: "to-earliest", dryRun: false }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "an unknown partition", body: json({ mode: "to-earliest", partitions: [{ topic: t.topic, partition: 9 }], dryRun: false, expect: [] }), status: 404, code: "UNKNOWN_PARTITION" },
      { kind: "out of range", why: "an unknown batch", body: json({ mode: "to-batch", value: 999_999, results: "rollback", dryRun: false, expect: [] }), status: 404, code: "BATCH_NOT_FOUND" },
      { kind: "oversized", why: "a 501-character reason", body: json({ mode: "to-earliest", reason: "r".repeat(501), dryRun: false, expect: [] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "extra", body: json({ mode: "to-earliest", dryRun: false, expect: [], extra: 1 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL as mode", body: json({ mode: injection, dryRun: false, expect: [] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL as a topic", body: json({ mode: "to-earliest", partitions: [{ topic: injection, partition: 0 }], dryRun: false, expect: [] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "a running job", path: () => `/api/jobs/${t.running}/offsets/reset`, body: json({ mode: "to-earliest", dryRun: false, expect: [] }), status: 409, code: "JOB_RUNNING" },
      { kind: "injection", why: "an unknown job", path: () => "/api/jobs/nope/offsets/reset", body: json({ mode: "to-earliest", dryRun: false, expect: [] }), status: 404, code: "JOB_NOT_FOUND" },
    ],
  },
  "POST /api/alerts/rules": {
    path: () => "/api/alerts/rules",
    cases: [
      ...common(),
      { kind: "wrong type", why: "threshold a string", body: json({ name: "r", target: { type: "job", job: t.job }, condition: { type: "lag", threshold: "1" } }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "negative threshold", body: json({ name: "r", target: { type: "job", job: t.job }, condition: { type: "lag", threshold: -1 } }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "negative time lag", body: json({ name: "r", target: { type: "job", job: t.job }, condition: { type: "time-lag", thresholdSeconds: -3 } }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "negative forSeconds", body: json({ name: "r", target: { type: "job", job: t.job }, condition: { type: "lag", threshold: 1 }, forSeconds: -1 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "a job-only condition on groups", body: json({ name: "r", target: { type: "groups", pattern: "*" }, condition: { type: "job-failed" } }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "an unknown job", body: json({ name: "r", target: { type: "job", job: "no-such-job" }, condition: { type: "lag", threshold: 1 } }), status: 422, code: "UNKNOWN_TARGET" },
      { kind: "out of range", why: "an unknown channel", body: json({ name: "r", target: { type: "job", job: t.job }, condition: { type: "lag", threshold: 1 }, channels: ["no-such-channel"] }), status: 422, code: "UNKNOWN_CHANNEL" },
      { kind: "oversized", why: "a 101-character name", body: json({ name: "n".repeat(101), target: { type: "all-jobs" }, condition: { type: "job-failed" } }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "isAdmin", body: json({ name: "r", target: { type: "job", job: t.job }, condition: { type: "lag", threshold: 1 }, isAdmin: true }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL in the name, a made-up target type", body: json({ name: injection, target: { type: "cluster" }, condition: { type: "lag", threshold: 1 } }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "control characters in the name", body: json({ name: "a\u0000b", target: { type: "all-jobs" }, condition: { type: "job-failed" } }), status: 400, code: "VALIDATION_FAILED" },
    ],
  },
  "PATCH /api/alerts/rules/:id": {
    path: () => `/api/alerts/rules/${t.rule}`,
    cases: [
      ...common(),
      { kind: "wrong type", why: "enabled a string", body: json({ enabled: "no" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "wrong type", why: "forSeconds a string", body: json({ forSeconds: "10" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "negative forSeconds", body: json({ forSeconds: -1 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "repeatSeconds 0", body: json({ repeatSeconds: 0 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "no field", body: json({}), status: 400, code: "VALIDATION_FAILED" },
      { kind: "oversized", why: "21 channels", body: json({ channels: Array.from({ length: 21 }, (_, i) => `c${i}`) }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "id", body: json({ id: "other" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL as a channel", body: json({ channels: [injection] }), status: 422, code: "UNKNOWN_CHANNEL" },
      { kind: "injection", why: "SQL as the target job", body: json({ target: { type: "job", job: injection } }), status: 422, code: "UNKNOWN_TARGET" },
      { kind: "injection", why: "SQL as the id", path: () => `/api/alerts/rules/${encodeURIComponent(injection)}`, body: json({ enabled: false }), status: 404, code: "ALERT_RULE_NOT_FOUND" },
    ],
  },
  "DELETE /api/alerts/rules/:id": bodiless(() => `/api/alerts/rules/${t.rule}`, (id) => `/api/alerts/rules/${id}`, "ALERT_RULE_NOT_FOUND"),
  "POST /api/alerts/channels": {
    path: () => "/api/alerts/channels",
    cases: [
      ...common(),
      { kind: "wrong type", why: "port a string", body: json({ name: "c", type: "email", host: "smtp.example.com", port: "587", from: "a@example.com", to: ["b@example.com"] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "wrong type", why: "a made-up type", body: json({ name: "c", type: "pager", url: "https://example.com/x" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "port 70000", body: json({ name: "c", type: "email", host: "smtp.example.com", port: 70_000, from: "a@example.com", to: ["b@example.com"] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "no recipients", body: json({ name: "c", type: "email", host: "smtp.example.com", port: 587, from: "a@example.com", to: [] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "oversized", why: "a 2,001-character URL", body: json({ name: "c", type: "webhook", url: `https://example.com/${"x".repeat(2000)}` }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "secret", body: json({ name: "c", type: "webhook", url: "https://example.com/x", secret: "s" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "no url for wecom", body: json({ name: "c", type: "wecom" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "a javascript: URL", body: json({ name: "c", type: "webhook", url: "javascript:alert(1)" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "an ftp: URL", body: json({ name: "c", type: "slack", url: "ftp://hooks.example.com/x" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "credentials in the URL", body: json({ name: "c", type: "teams", url: "https://user:pw@example.com/x" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "a shell command as host", body: json({ name: "c", type: "email", host: "smtp.example.com; rm -rf /", port: 587, from: "a@example.com", to: ["b@example.com"] }), status: 400, code: "VALIDATION_FAILED" },
    ],
  },
  "PATCH /api/alerts/channels/:id": {
    path: () => `/api/alerts/channels/${t.channel}`,
    cases: [
      ...common(),
      { kind: "wrong type", why: "enabled a string", body: json({ enabled: "no" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "an empty name", body: json({ name: " " }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "recipients for a webhook", body: json({ to: ["b@example.com"] }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "no field", body: json({}), status: 400, code: "VALIDATION_FAILED" },
      { kind: "oversized", why: "a 101-character name", body: json({ name: "n".repeat(101) }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "type", body: json({ type: "slack" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "a javascript: URL", body: json({ url: "javascript:alert(1)" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL as the id", path: () => `/api/alerts/channels/${encodeURIComponent(injection)}`, body: json({ enabled: false }), status: 404, code: "ALERT_CHANNEL_NOT_FOUND" },
    ],
  },
  "DELETE /api/alerts/channels/:id": bodiless(() => `/api/alerts/channels/${t.channel}`, (id) => `/api/alerts/channels/${id}`, "ALERT_CHANNEL_NOT_FOUND"),
  // A test message is a change (it is recorded in the history): a body refused means nothing is sent.
  "POST /api/alerts/channels/:id/test": bodiless(() => `/api/alerts/channels/${t.channel}/test`, (id) => `/api/alerts/channels/${id}/test`, "ALERT_CHANNEL_NOT_FOUND"),
  "POST /api/alerts/silences": {
    path: () => "/api/alerts/silences",
    cases: [
      ...common(),
      { kind: "wrong type", why: "duration a string", body: json({ target: { type: "job", job: t.job }, reason: "x", durationSeconds: "600" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "59 seconds", body: json({ target: { type: "job", job: t.job }, reason: "x", durationSeconds: 59 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "ending in the past", body: json({ target: { type: "group", group: "g" }, reason: "x", endsAt: "2000-01-01T00:00:00Z" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "neither rule nor target", body: json({ reason: "x", durationSeconds: 600 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "an unknown job", body: json({ target: { type: "job", job: "nope" }, reason: "x", durationSeconds: 600 }), status: 422, code: "UNKNOWN_TARGET" },
      { kind: "oversized", why: "a 501-character reason", body: json({ target: { type: "job", job: t.job }, reason: "r".repeat(501), durationSeconds: 600 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "createdBy", body: json({ target: { type: "job", job: t.job }, reason: "x", durationSeconds: 600, createdBy: "admin" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL as the group", body: json({ target: { type: "group", group: injection }, reason: "x", durationSeconds: 600 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL as the rule", body: json({ rule: injection, reason: "x", durationSeconds: 600 }), status: 404, code: "ALERT_RULE_NOT_FOUND" },
    ],
  },
  "DELETE /api/alerts/silences/:id": bodiless(() => `/api/alerts/silences/${t.silenceId}`, (id) => `/api/alerts/silences/${id}`, "ALERT_SILENCE_NOT_FOUND"),
  "POST /api/users": {
    path: () => "/api/users",
    cases: [
      ...common(),
      { kind: "wrong type", why: "password a number", body: json({ name: "ann", password: 12345678, role: "admin" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "short password", body: json({ name: "ann", password: "short", role: "admin" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "a made-up role", body: json({ name: "ann", password: "password-123", role: "root" }), status: 400, code: "VALIDATION_FAILED" },
      // Local mode: users exist only with sign-in on (the first one would switch it on).
      { kind: "out of range", why: "a user in local mode", body: json({ name: t.user, password: "password-123", role: "viewer" }), status: 409, code: "SIGN_IN_OFF" },
      { kind: "oversized", why: "a 201-character password", body: json({ name: "ann", password: "p".repeat(201), role: "viewer" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "extra", body: json({ name: "ann", password: "password-123", role: "admin", extra: 1 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL in the name", body: json({ name: "Robert'); DROP TABLE User;--", password: "password-123", role: "admin" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "HTML in the name", body: json({ name: script, password: "password-123", role: "viewer" }), status: 400, code: "VALIDATION_FAILED" },
    ],
  },
  "PATCH /api/users/:id": {
    path: () => `/api/users/${t.user}`,
    cases: [
      ...common(),
      { kind: "wrong type", why: "disabled a string", body: json({ disabled: "yes" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "a made-up role", body: json({ role: "root" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "short password", body: json({ password: "short" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "no field", body: json({}), status: 400, code: "VALIDATION_FAILED" },
      { kind: "oversized", why: "a 201-character password", body: json({ password: "p".repeat(201) }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "name", body: json({ name: "renamed" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL as role", body: json({ role: injection }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL as the id", path: () => `/api/users/${encodeURIComponent(injection)}`, body: json({ role: "admin" }), status: 404, code: "USER_NOT_FOUND" },
    ],
  },
  "POST /api/tokens": {
    path: () => "/api/tokens",
    cases: [
      ...common(),
      { kind: "wrong type", why: "role a number", body: json({ name: "ci", role: 1 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "an empty name", body: json({ name: "", role: "viewer" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "oversized", why: "a 101-character name", body: json({ name: "x".repeat(101), role: "viewer" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "token (a chosen secret)", body: json({ name: "ci", role: "viewer", token: "tmk_mine" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "injection", why: "SQL as role", body: json({ name: "ci", role: injection }), status: 400, code: "VALIDATION_FAILED" },
    ],
  },
  "DELETE /api/tokens/:id": bodiless(() => `/api/tokens/${t.tokenId}`, (id) => `/api/tokens/${id}`, "TOKEN_NOT_FOUND"),
  "POST /api/auth/login": {
    path: () => "/api/auth/login",
    cases: [
      ...common(),
      { kind: "wrong type", why: "name a list", body: json({ name: ["admin"], password: "x" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "wrong type", why: "password a number", body: json({ name: "admin", password: 1 }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "out of range", why: "an empty password", body: json({ name: "admin", password: "" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "oversized", why: "a 65-character name", body: json({ name: "a".repeat(65), password: "x" }), status: 400, code: "VALIDATION_FAILED" },
      { kind: "unknown field", why: "remember", body: json({ name: "admin", password: "x", remember: true }), status: 400, code: "VALIDATION_FAILED" },
      // Local mode has no users: the sign-in fails like a wrong password, and nothing is written.
      { kind: "injection", why: "SQL as the name", body: json({ name: injection, password: "x" }), status: 401, code: "BAD_CREDENTIALS" },
    ],
  },
  "POST /api/auth/logout": bodiless(() => "/api/auth/logout", null, ""),
};

let server: SpawnedServer;
let api: APIRequestContext;

/**
 * Uploads a body with Transfer-Encoding: chunked (no Content-Length) over a plain socket, in 16 KiB
 * chunks up to `bytes`, and stops sending as soon as the first byte of an answer arrives. (Node's
 * HTTP client gives up on a response when the server closes the connection under a write still in
 * flight, which is what a server refusing an upload may well do.)
 */
function chunkedUpload(port: number, method: string, path: string, bytes: number): Promise<{ status: number; body: string; sentWhenAnswered: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let sent = 0;
    let sentWhenAnswered = -1;
    let received = "";
    const finish = () => {
      const head = received.slice(0, received.indexOf("\r\n\r\n"));
      let body = received.slice(head.length + 4);
      if (/transfer-encoding: chunked/i.test(head)) {
        let decoded = "";
        for (let i = 0; ; ) {
          const eol = body.indexOf("\r\n", i);
          const size = parseInt(body.slice(i, eol), 16);
          if (!(size > 0)) break;
          decoded += body.slice(eol + 2, eol + 2 + size);
          i = eol + 2 + size + 2;
        }
        body = decoded;
      }
      resolve({ status: Number(head.split(" ")[1] ?? 0), body, sentWhenAnswered });
      socket.destroy();
    };
    socket.on("data", (d) => {
      if (sentWhenAnswered < 0) sentWhenAnswered = sent;
      received += d;
      const head = received.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(received.slice(0, head))?.[1];
      if (head >= 0 && (received.endsWith("0\r\n\r\n") || (length && received.length - head - 4 >= Number(length)))) finish();
    });
    socket.on("close", () => (received ? finish() : reject(new Error(`${method} ${path}: connection closed without an answer after ${sent} bytes`))));
    socket.on("error", () => {}); // a reset after the answer; "close" follows
    socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = "x".repeat(16 * 1024);
    const pump = () => {
      if (received || socket.destroyed) return;
      if (sent >= bytes) return void socket.write("0\r\n\r\n");
      sent += chunk.length;
      socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`, () => setImmediate(pump));
    };
    pump();
  });
}

async function send(c: { method: string; path: string; body: Body }): Promise<{ status: number; json: { error?: { code: string; message: string; details: unknown } } }> {
  const b = c.body;
  if (b && "chunkedBytes" in b) {
    const response = await chunkedUpload(server.port, c.method, c.path, b.chunkedBytes);
    return { status: response.status, json: JSON.parse(response.body) };
  }
  const response = await api.fetch(c.path, {
    method: c.method,
    ...(b && "raw" in b ? { data: Buffer.from(b.raw), headers: { "content-type": "application/json" } } : b && "json" in b ? { data: b.json as object } : {}),
  });
  return { status: response.status(), json: await response.json() };
}

test.describe("hostile input", () => {
  test.beforeAll(async ({ request }) => {
    const brokers = await serverBrokers(request);
    server = await spawnServer({ KAFKA_BROKERS: brokers.join(","), TIDEMARK_RUNTIME: "0" });
    api = await playwrightRequest.newContext({ baseURL: server.baseURL });
    await createTopic(brokers, t.topic, 1);
    const ok = async (method: string, path: string, data?: object) => {
      const response = await api.fetch(path, { method, data });
      expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
      return response.status() === 204 ? null : response.json();
    };
    await ok("POST", "/api/jobs", { name: t.job, topics: [t.topic], processor: "count-by-key" });
    await ok("POST", "/api/jobs", { name: t.running, topics: [t.topic], processor: "count-by-key" });
    await ok("POST", `/api/jobs/${t.running}/start`); // no runtime here: it stays "starting", which counts as running
    await ok("POST", "/api/alerts/channels", { name: t.channel, type: "webhook", url: "http://127.0.0.1:9/hook" });
    await ok("POST", "/api/alerts/rules", { name: t.rule, target: { type: "job", job: t.job }, condition: { type: "lag", threshold: 1 }, channels: [t.channel] });
    t.silenceId = (await ok("POST", "/api/alerts/silences", { target: { type: "job", job: t.job }, reason: "hostile test", durationSeconds: 3600 })).id;
    // No users or tokens: local mode refuses them (SIGN_IN_OFF); their endpoints' bad input is refused before any lookup.
  });
  test.afterAll(async () => {
    await api?.dispose();
    await server?.stop();
  });

  test("the table covers every mutating endpoint in app/api with every kind of bad input", () => {
    expect(Object.keys(endpoints).sort()).toEqual(mutatingEndpoints());
    for (const [endpoint, { cases }] of Object.entries(endpoints)) {
      for (const kind of kinds) expect(cases.some((c) => c.kind === kind), `${endpoint}: no '${kind}' case`).toBe(true);
      expect(cases.filter((c) => "na" in c).every((c) => c.kind === "out of range"), `${endpoint}: only 'out of range' may be not applicable`).toBe(true);
    }
  });

  test("every mutating endpoint answers bad input with a 4xx code and leaves every table byte-for-byte unchanged", async () => {
    test.setTimeout(180_000);
    const before = dumpDatabase(server.dbFile);
    let count = 0;
    for (const [endpoint, spec] of Object.entries(endpoints)) {
      const method = endpoint.split(" ")[0];
      for (const c of spec.cases) {
        if ("na" in c) continue;
        const path = (c.path ?? spec.path)();
        const label = `${endpoint} — ${c.kind}: ${c.why}`;
        const { status, json: body } = await send({ method, path, body: c.body });
        expect(status, label).toBe(c.status);
        expect(body.error?.code, label).toBe(c.code);
        expect(typeof body.error?.message, label).toBe("string");
        expect(body.error && "details" in body.error, `${label}: details present`).toBe(true);
        expect(JSON.stringify(body), label).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack traces
        count++;
      }
    }
    expect(count).toBeGreaterThan(150);
    expect(dumpDatabase(server.dbFile)).toBe(before);
  });

  test("a chunked body is cut off as soon as it passes 64 KiB, before the client has finished sending (sign-in too)", async () => {
    for (const path of ["/api/auth/login", "/api/jobs", `/api/jobs/${t.job}`]) {
      const method = path === `/api/jobs/${t.job}` ? "PATCH" : "POST";
      // Keep writing up to 16 MiB; the answer must come while we are still writing.
      const result = await chunkedUpload(server.port, method, path, 16 * 1024 * 1024);
      expect(result.status, path).toBe(413);
      expect(JSON.parse(result.body).error.code).toBe("PAYLOAD_TOO_LARGE");
      expect(result.sentWhenAnswered, `${path}: answered after ${result.sentWhenAnswered} bytes`).toBeLessThan(16 * 1024 * 1024);
    }
  });

  test("local mode answers only requests addressed to a loopback name (DNS rebinding)", async () => {
    const before = dumpDatabase(server.dbFile);
    const raw = (method: string, path: string, host: string, body?: string) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port: server.port, method, path, headers: { host, ...(body ? { "content-type": "application/json" } : {}) } }, (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body: text }));
        });
        req.on("error", reject);
        req.end(body);
      });
    for (const host of ["evil.example", `evil.example:${server.port}`, `127.0.0.1.nip.io:${server.port}`, "192.168.1.20"]) {
      const api = await raw("GET", "/api/jobs", host);
      expect(api.status, host).toBe(403);
      expect(JSON.parse(api.body).error).toMatchObject({ code: "HOST_NOT_ALLOWED", message: expect.stringMatching(/local mode/) });
      const write = await raw("POST", "/api/jobs", host, JSON.stringify({ name: `rebind-${tag}`, topics: [t.topic], processor: "count-by-key" }));
      expect(write.status, host).toBe(403);
      const page = await raw("GET", "/", host);
      expect(page.status, host).toBe(403);
      expect(page.type).toMatch(/text\/plain/);
      expect(page.body).toMatch(/local mode.*localhost/s);
    }
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`]) {
      expect((await raw("GET", "/api/jobs", host)).status, host).toBe(200);
      expect((await raw("GET", "/", host)).status, host).toBe(200);
    }
    expect(dumpDatabase(server.dbFile)).toBe(before);
  });

  test("reads with bad parameters answer 4xx too", async () => {
    const bad: [string, number, string][] = [
      [`/api/topics/${t.topic}/partitions/0/records?offset=-1`, 400, "VALIDATION_FAILED"],
      [`/api/topics/${t.topic}/partitions/9/records`, 404, "UNKNOWN_PARTITION"],
      [`/api/audit?limit=${"9".repeat(30)}`, 400, "VALIDATION_FAILED"],
      [`/api/jobs/${encodeURIComponent(injection)}`, 404, "JOB_NOT_FOUND"],
    ];
    for (const [path, status, code] of bad) {
      const response = await api.get(path);
      expect(response.status(), path).toBe(status);
      const { error } = await response.json();
      expect(error.code, path).toBe(code);
      expect(error, path).toHaveProperty("details");
    }
  });
});

test("record keys, values and headers with HTML are shown as text in the message browser, dead letters and the failure banner", async ({ page, request }) => {
  test.setTimeout(120_000);
  const brokers = await serverBrokers(request);
  const xssTopic = uniqueTopicName("e2e-xss");
  const outTopic = `${xssTopic}-out`;
  await createTopic(brokers, xssTopic, 1);
  await createTopic(brokers, outTopic, 1);
  const img = (n: number) => `<img src=x onerror=window.__xss=${n}>`;
  const scriptTag = (n: number) => `<script>window.__xss=${n}</script>`;
  // Offset 0: HTML key and value, HTML in a header value; offset 1: HTML value, HTML as a header name.
  await produceWithKcat(brokers, xssTopic, [`${img(1)}|${scriptTag(2)}`], { keyDelimiter: "|", extraArgs: ["-H", `h-img=${img(3)}`] });
  await produceWithKcat(brokers, xssTopic, [`k2|${img(4)}`], { keyDelimiter: "|", extraArgs: ["-H", `<b>hdr</b>=${scriptTag(5)}`] });
  const name = `xss-${Date.now().toString(36)}`;
  const jobs = [
    { name, processor: "count-by-key" },
    // forward with keyField reads values as JSON and fails on these: dead letters under "skip", a failed job under "fail".
    { name: `${name}-dl`, processor: "forward", processorConfig: { topic: outTopic, keyField: "id" }, onError: "skip" },
    { name: `${name}-fail`, processor: "forward", processorConfig: { topic: outTopic, keyField: "id" }, onError: "fail", maxAttempts: 1 },
  ];
  for (const job of jobs) {
    expect((await request.post("/api/jobs", { data: { ...job, topics: [xssTopic], batchIntervalMs: 200 } })).status()).toBe(201);
    expect((await request.post(`/api/jobs/${job.name}/start`)).status()).toBe(200);
  }
  const noInjection = async () => {
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.locator("main script").count()).toBe(0);
    expect(await page.locator("main b", { hasText: "hdr" }).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  };

  // Results and the message browser (Replay tab): keys, values, and headers of an expanded record.
  await page.goto(`/jobs/${name}`);
  await expect(page.getByText(img(1), { exact: true }).first()).toBeVisible();
  await page.getByRole("tab", { name: "Replay" }).click();
  const rows = page.getByTestId("record-row");
  await expect(rows).toHaveCount(2);
  const first = rows.filter({ hasText: scriptTag(2) });
  await expect(first.getByText(img(1), { exact: true })).toBeVisible();
  await first.getByText(scriptTag(2), { exact: true }).click(); // expands the record
  await expect(first.getByText(img(3), { exact: true })).toBeVisible();
  const second = rows.filter({ hasText: "k2" });
  await expect(second.getByText(img(4), { exact: true })).toBeVisible();
  await second.getByText(img(4), { exact: true }).click();
  await expect(second.getByText("<b>hdr</b>", { exact: true })).toBeVisible();
  await expect(second.getByText(scriptTag(5), { exact: true })).toBeVisible();
  await noInjection();

  // Dead letters: key, value and the processor's error (which quotes the value) as text.
  await expect.poll(async () => (await (await request.get(`/api/jobs/${name}-dl`)).json()).deadLetters, { timeout: 60_000 }).toBe(2);
  await page.goto(`/jobs/${name}-dl`);
  // The job page shows the dead-letter count in the tab's label.
  await page.getByRole("tab", { name: "Dead letters (2)", exact: true }).click();
  const letters = page.getByTestId("dead-letter-row");
  await expect(letters).toHaveCount(2);
  await expect(letters.getByText(img(1), { exact: true })).toBeVisible();
  await expect(letters.getByText(scriptTag(2), { exact: true })).toBeVisible();
  await expect(letters.getByText(img(4), { exact: true })).toBeVisible();
  await expect(letters.filter({ hasText: "k2" }).getByText(/value is not JSON.*<img/)).toBeVisible();
  await noInjection();

  // The failure banner of a job that failed on such a record.
  await expect.poll(async () => (await (await request.get(`/api/jobs/${name}-fail`)).json()).status, { timeout: 60_000 }).toBe("failed");
  // The API names the batch and the record that failed it: the first one (offset 0), after its single attempt.
  const [failedBatch] = (await (await request.get(`/api/jobs/${name}-fail/batches`)).json()).items;
  expect(failedBatch).toMatchObject({ status: "failed", failedAt: { topic: xssTopic, partition: 0, offset: 0 }, attempts: 1 });
  const { failure } = await (await request.get(`/api/jobs/${name}-fail`)).json();
  expect(failure).toMatchObject({ batchId: failedBatch.id, topic: xssTopic, partition: 0, offset: 0, attempts: 1 });
  expect(failure.error).toContain("not JSON");
  await page.goto(`/jobs/${name}-fail`);
  const banner = page.getByTestId("failure-banner");
  await expect(banner).toContainText("<script>");
  await expect(banner).toContainText(`The job failed in batch #${failedBatch.id}.`);
  await expect(banner).toContainText(`At record ${xssTopic}/0 offset 0, after 1 attempt.`);
  await noInjection();

  for (const job of jobs) await request.post(`/api/jobs/${job.name}/stop`);
});

test("responses carry the security headers", async ({ request }) => {
  const headers = (await request.get("/")).headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
});
