/** Rules, channels and silences against a real (temp) SQLite database; the metrics output through a real Prometheus text parser. */
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { beforeAll, describe, expect, it } from "vitest";
import { createAlertChannelSchema } from "@/lib/contracts/alert-channels";
import { createAlertRuleSchema, createAlertSilenceSchema, updateAlertRuleSchema } from "@/lib/contracts/alerts";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { AppError } from "../http/app-error";
import { insertJob } from "../stores/job-store";
import { createChannel, deleteChannel, listChannels } from "./alert-channel-service";
import { createSilence, listActiveAlerts } from "./alert-history-service";
import { createRule, listRules, updateRule, type AlertServiceDeps } from "./alert-service";
import { BatchMetrics, renderMetrics } from "./metrics";

const db = tempDatabaseForTests();
const deps: AlertServiceDeps = { db, actor: "user:ann", publicUrl: "http://t" };
let jobId: string;

beforeAll(async () => {
  jobId = (await insertJob(db, { name: "orders", topics: ["orders"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest" })).id;
});

const rule = (over: Record<string, unknown> = {}) => ({ name: "r", target: { type: "job", job: "orders" }, condition: { type: "lag", threshold: 10 }, ...over });

async function counts() {
  return { rules: await db.alertRule.count(), channels: await db.alertChannel.count(), silences: await db.alertSilence.count() };
}

describe("invalid rules and channels are refused and nothing is saved", () => {
  it.each([
    ["negative threshold", rule({ condition: { type: "lag", threshold: -1 } })],
    ["negative duration", rule({ forSeconds: -5 })],
    ["unknown condition", rule({ condition: { type: "cpu", threshold: 1 } })],
    ["extra field", rule({ extra: 1 })],
    ["job-only condition on groups", rule({ target: { type: "groups", pattern: "x-*" }, condition: { type: "job-failed" } })],
    ["bad severity", rule({ severity: "page-everyone" })],
    ["zero repeat", rule({ repeatSeconds: 0 })],
    ["control characters in the name", rule({ name: "a\u0000b" })],
  ])("schema refuses: %s", (_label, body) => {
    expect(createAlertRuleSchema.safeParse(body).success).toBe(false);
  });

  it.each([
    ["ftp URL", { name: "c", type: "webhook", url: "ftp://example.com/x" }],
    ["not a URL", { name: "c", type: "slack", url: "hooks.slack.com/services/x" }],
    ["URL with credentials", { name: "c", type: "webhook", url: "https://user:pw@example.com/x" }],
    ["javascript URL", { name: "c", type: "teams", url: "javascript:alert(1)" }],
    ["unknown type", { name: "c", type: "pager", url: "https://example.com" }],
    ["e-mail without recipients", { name: "c", type: "email", host: "smtp.example.com", port: 587, from: "a@example.com", to: [] }],
    ["e-mail bad port", { name: "c", type: "email", host: "smtp.example.com", port: 70000, from: "a@example.com", to: ["b@example.com"] }],
  ])("schema refuses channel: %s", (_label, body) => {
    expect(createAlertChannelSchema.safeParse(body).success).toBe(false);
  });

  it("unknown job target → UNKNOWN_TARGET, unknown channel → UNKNOWN_CHANNEL; nothing saved", async () => {
    const before = await counts();
    await expect(createRule(deps, createAlertRuleSchema.parse(rule({ target: { type: "job", job: "nope" } })))).rejects.toMatchObject({ code: "UNKNOWN_TARGET" });
    await expect(createRule(deps, createAlertRuleSchema.parse(rule({ channels: ["no-such-channel"] })))).rejects.toMatchObject({ code: "UNKNOWN_CHANNEL" });
    expect(await counts()).toEqual(before);
    expect(await db.auditEvent.count({ where: { action: { startsWith: "alert" } } })).toBe(0);
  });

  it("silences need a rule or a target, and one end", () => {
    expect(createAlertSilenceSchema.safeParse({ reason: "x", durationSeconds: 600 }).success).toBe(false);
    expect(createAlertSilenceSchema.safeParse({ rule: "r", reason: "x" }).success).toBe(false);
    expect(createAlertSilenceSchema.safeParse({ rule: "r", reason: "x", durationSeconds: 600, endsAt: new Date().toISOString() }).success).toBe(false);
    expect(createAlertSilenceSchema.safeParse({ rule: "r", reason: "", durationSeconds: 600 }).success).toBe(false);
  });
});

describe("rules, channels and silences", () => {
  it("creates, lists and edits a rule; audit names the actor; names are unique", async () => {
    const channel = await createChannel(deps, createAlertChannelSchema.parse({ name: "team-slack", type: "slack", url: "https://hooks.slack.com/services/T0/B0/secret-part" }));
    expect(channel.url).toBe("https://hooks.slack.com/••••••");
    expect(JSON.stringify(await listChannels(deps))).not.toContain("secret-part");
    expect(JSON.stringify(await db.auditEvent.findMany())).not.toContain("secret-part");

    const created = await createRule(deps, createAlertRuleSchema.parse(rule({ name: "orders lag", channels: ["team-slack"] })));
    expect(created).toMatchObject({ name: "orders lag", target: { type: "job", job: { id: jobId, name: "orders" } }, conditionText: "lag > 10 records", forSeconds: 60, repeatSeconds: 3600, severity: "warning" });
    expect(created.channels).toEqual([{ id: channel.id, name: "team-slack", type: "slack" }]);
    await expect(createRule(deps, createAlertRuleSchema.parse(rule({ name: "orders lag" })))).rejects.toMatchObject({ code: "ALERT_RULE_NAME_TAKEN" });

    const disabled = await updateRule(deps, "orders lag", updateAlertRuleSchema.parse({ enabled: false, repeatSeconds: null }));
    expect(disabled).toMatchObject({ enabled: false, repeatSeconds: null });
    expect(updateAlertRuleSchema.safeParse({ target: { type: "groups", pattern: "*" }, condition: { type: "job-failed" } }).success).toBe(false);
    const audit = await db.auditEvent.findMany({ where: { targetType: "alert-rule" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => `${a.action} by ${a.actor}`)).toEqual(["alert-rule.create by user:ann", "alert-rule.update by user:ann"]);

    // Deleting a channel takes it off the rule.
    await deleteChannel(deps, "team-slack");
    expect((await listRules(deps)).find((r) => r.name === "orders lag")!.channels).toEqual([]);
  });

  it("a job-only rule cannot be moved to consumer groups", async () => {
    await createRule(deps, createAlertRuleSchema.parse(rule({ name: "orders failed", condition: { type: "job-failed" } })));
    await expect(updateRule(deps, "orders failed", updateAlertRuleSchema.parse({ target: { type: "groups", pattern: "*" } }))).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await listRules(deps)).find((r) => r.name === "orders failed")!.target).toMatchObject({ type: "job" });
  });

  it("a silence on an unknown job is refused; a silence on a job resolves its key", async () => {
    await expect(createSilence(deps, createAlertSilenceSchema.parse({ target: { type: "job", job: "ghost" }, durationSeconds: 600, reason: "x" }))).rejects.toBeInstanceOf(AppError);
    const s = await createSilence(deps, createAlertSilenceSchema.parse({ target: { type: "job", job: "orders" }, durationSeconds: 600, reason: "maintenance" }));
    expect(s).toMatchObject({ targetKey: `job:${jobId}`, targetName: "orders", active: true, reason: "maintenance", createdBy: "user:ann" });
  });
});

describe("GET /api/metrics output", () => {
  it("parses with a Prometheus text parser and carries lag, status, batches and alerts", async () => {
    const now = Date.now();
    const sample = (partition: number, topic: string, lag: number, timeLagMs: number) => ({
      kind: "job", subject: jobId, topic, partition, ts: BigInt(now), resolution: 0, committedOffset: 10n, logStartOffset: 0n, logEndOffset: BigInt(10 + lag),
      lag: BigInt(lag), lagMin: BigInt(lag), lagMax: BigInt(lag), timeLagMs: BigInt(timeLagMs), timeLagMaxMs: BigInt(timeLagMs),
    });
    await db.lagSample.createMany({ data: [sample(0, "orders", 5, 1500), sample(1, "orders", 7, 2500), sample(-1, "", 12, 2500)] });
    await db.lagEvaluation.create({
      data: { kind: "job", subject: jobId, ts: BigInt(now), status: "WARN", worst: "WARN", totalLag: 12n, timeLagMs: 2500n, lagPerSec: 1, consumeRate: 1, produceRate: 2, etaState: "never", etaMs: null, partitions: "[]" },
    });
    const batchIds: number[] = [];
    for (const [ms, records] of [[40, 400], [700, 400], [3000, 434]]) {
      batchIds.push((await db.batch.create({ data: { jobId, batchTime: new Date(), status: "succeeded", records, processingTimeMs: ms, completedAt: new Date() } })).id);
    }
    await db.job.update({ where: { id: jobId }, data: { recordsProcessed: 1234n, status: "running" } });
    for (const offset of [1n, 2n]) {
      await db.deadLetter.create({ data: { jobId, batchId: batchIds[2], topic: "orders", partition: 0, offset, error: "bad record" } });
    }
    // A consumer group outside Tidemark, as the sampler records it: per-partition rows, a total row, an evaluation.
    const groupSample = (partition: number, topic: string, lag: number) => ({ ...sample(partition, topic, lag, 0), kind: "group", subject: "billing" });
    await db.lagSample.createMany({ data: [groupSample(0, "invoices", 30), groupSample(1, "invoices", 12), groupSample(-1, "", 42)] });
    await db.lagEvaluation.create({
      data: { kind: "group", subject: "billing", ts: BigInt(now), status: "ERR", worst: "STALL", totalLag: 42n, timeLagMs: 0n, lagPerSec: 0, consumeRate: 0, produceRate: 1, etaState: "never", etaMs: null, partitions: "[]" },
    });
    const ruleRow = await db.alertRule.findFirstOrThrow({ where: { name: "orders lag" } });
    await db.alertRule.update({ where: { id: ruleRow.id }, data: { enabled: true } });
    await db.alertState.create({ data: { ruleId: ruleRow.id, targetKey: `job:${jobId}`, targetName: "orders", state: "firing", since: BigInt(now), firingSince: BigInt(now), updatedAt: BigInt(now), value: 12 } });

    const batchMetrics = new BatchMetrics(now - 60_000); // as if this server started a minute ago
    const { contentType, body } = await renderMetrics(db, batchMetrics);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = new Map(parsePrometheusTextFormat(body).map((f) => [f.name, f]));
    const values = (name: string) => families.get(name)!.metrics.map((m) => [m.labels, Number(m.value)]);

    expect(families.get("tidemark_job_partition_lag_records")!.type).toBe("GAUGE");
    expect(values("tidemark_job_partition_lag_records")).toEqual([
      [{ job_name: "orders", topic: "orders", partition: "0" }, 5],
      [{ job_name: "orders", topic: "orders", partition: "1" }, 7],
    ]);
    expect(values("tidemark_job_partition_time_lag_seconds")).toContainEqual([{ job_name: "orders", topic: "orders", partition: "1" }, 2.5]);
    expect(values("tidemark_job_lag_records")).toEqual([[{ job_name: "orders" }, 12]]);
    expect(families.get("tidemark_job_records_processed_total")!.type).toBe("COUNTER");
    expect(values("tidemark_job_records_processed_total")).toEqual([[{ job_name: "orders" }, 1234]]);
    expect(values("tidemark_job_status")).toContainEqual([{ job_name: "orders", status: "running" }, 1]);
    expect(values("tidemark_job_status")).toContainEqual([{ job_name: "orders", status: "failed" }, 0]);
    expect(values("tidemark_job_lag_status")).toContainEqual([{ job_name: "orders", status: "WARN" }, 1]);
    expect(values("tidemark_alerts")).toContainEqual([{ rule: "orders lag", severity: "warning", state: "firing" }, 1]);
    expect(families.get("tidemark_job_dead_letter_records_total")!.type).toBe("COUNTER");
    expect(values("tidemark_job_dead_letter_records_total")).toEqual([[{ job_name: "orders" }, 2]]);
    expect(families.get("tidemark_consumer_group_lag_records")!.type).toBe("GAUGE");
    expect(values("tidemark_consumer_group_lag_records")).toEqual([[{ group: "billing" }, 42]]);
    expect(values("tidemark_consumer_group_partition_lag_records")).toEqual([
      [{ group: "billing", topic: "invoices", partition: "0" }, 30],
      [{ group: "billing", topic: "invoices", partition: "1" }, 12],
    ]);
    expect(families.get("tidemark_consumer_group_status")!.type).toBe("GAUGE");
    expect(values("tidemark_consumer_group_status")).toEqual([
      [{ group: "billing", status: "OK" }, 0],
      [{ group: "billing", status: "WARN" }, 0],
      [{ group: "billing", status: "ERR" }, 1],
    ]);
    // Groups are not jobs: none of them shows up in the job families.
    expect(JSON.stringify(values("tidemark_job_lag_records"))).not.toContain("billing");

    // The parser flattens a labelled histogram's buckets into one set (one job has batches here, so they are its own);
    // count and sum per job are checked on the text itself.
    const histogram = families.get("tidemark_job_batch_processing_seconds")!;
    expect(histogram.type).toBe("HISTOGRAM");
    const buckets = histogram.metrics[0].buckets!;
    expect([buckets["0.05"], buckets["1"], buckets["5"], buckets["+Inf"]].map(Number)).toEqual([1, 2, 3, 3]);
    expect(body).toContain('tidemark_job_batch_processing_seconds_count{job_name="orders"} 3');
    expect(body).toMatch(/tidemark_job_batch_processing_seconds_sum\{job_name="orders"\} 3\.74/);

    // Cumulative: a second scrape does not count the same batches again.
    expect((await renderMetrics(db, batchMetrics)).body).toContain('tidemark_job_batch_processing_seconds_count{job_name="orders"} 3');

    const active = await listActiveAlerts(deps, now + 1);
    expect(active).toMatchObject([{ ruleName: "orders lag", targetName: "orders", state: "firing", valueText: "12 records", silenced: { reason: "maintenance" } }]);
  });
});
