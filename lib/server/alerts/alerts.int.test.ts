/**
 * Alerting end to end on the real broker: a job, the lag sampler, the evaluator and the dispatcher, with local
 * HTTP receivers standing in for the generic webhook, Slack, Teams and WeCom (and an SMTP server for e-mail).
 * Over 300 lines on purpose: the channels share one job, sampler and receiver setup.
 */
import { inspect } from "node:util";
import type { Producer } from "kafkajs";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAlertRuleSchema } from "@/lib/contracts/alerts";
import { systemClock } from "@/lib/domain/ports";
import { createTopic, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { caughtUp } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { KafkaLagSource } from "../lag/kafka-lag-source";
import { LagSampler } from "../lag/lag-sampler";
import { JobCoordinator } from "../runtime/job-coordinator";
import { StaticOwnership } from "../runtime/static-ownership";
import { insertJob, setDesiredState, type JobRecord } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { Alerting } from "./alerting";
import { createChannel, listChannels, testChannel } from "./alert-channel-service";
import { createSilence, expireSilence, listEvents } from "./alert-history-service";
import { createRule, type AlertServiceDeps } from "./alert-service";
import { startTestReceivers, type ReceivedRequest, type TestReceivers } from "./test-receivers";

const SAMPLE_MS = 500;
const PUBLIC_URL = "http://tidemark.test";

let temp: ReturnType<typeof createTempDatabase>;
let db: Db;
let runtimeDb: Db;
let samplerDb: Db;
let log: KafkajsLog;
let coordinator: JobCoordinator;
let sampler: LagSampler;
let lagSource: KafkaLagSource;
let alerting: Alerting;
let receivers: TestReceivers;
let producer: Producer;
let deps: AlertServiceDeps;

/** Everything alerting logged, and everything printed to the console while the tests ran: checked for secrets. */
const logs: string[] = [];
const consoleSpies = (["log", "info", "warn", "error", "debug"] as const).map((level) => {
  const original = console[level].bind(console);
  return vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
    logs.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : inspect(a))).join(" "));
    original(...args);
  });
});

function startAlerting() {
  alerting = new Alerting({ databaseUrl: temp.url, intervalMs: SAMPLE_MS, publicUrl: PUBLIC_URL, timeoutMs: 800, maxAttempts: 3, backoffBaseMs: 200, log: (m) => logs.push(m) });
  alerting.start();
}

beforeAll(async () => {
  temp = createTempDatabase();
  db = temp.client();
  runtimeDb = temp.client();
  samplerDb = temp.client();
  deps = { db, actor: "test", publicUrl: PUBLIC_URL, timeoutMs: 800 };
  log = new KafkajsLog(createKafka(testBrokers(), "alerts-int-runtime"));
  coordinator = new JobCoordinator({ db: runtimeDb, log, clock: systemClock, ownershipFor: (job) => new StaticOwnership(log, job.topics), reconcileIntervalMs: 100 });
  await coordinator.start();
  lagSource = new KafkaLagSource(createKafka(testBrokers(), "alerts-int-lag"));
  // As lib/server/boot.ts wires them: rules are evaluated right after each sample.
  sampler = new LagSampler({ db: samplerDb, source: lagSource, clock: systemClock, intervalMs: SAMPLE_MS, retentionMs: 3_600_000, groups: false, log: (m) => logs.push(m), onSampled: () => alerting?.evaluator.wake() });
  await sampler.start();
  startAlerting();
  receivers = await startTestReceivers();
  producer = testKafka(testBrokers(), "alerts-int-producer").producer();
  await producer.connect();
});

afterAll(async () => {
  await alerting?.stop();
  await sampler?.stop();
  await lagSource?.close();
  await coordinator?.stop();
  await log?.close();
  await producer?.disconnect();
  await receivers?.close();
  for (const c of [db, runtimeDb, samplerDb]) await c?.$disconnect();
  temp?.remove();
  for (const spy of consoleSpies) spy.mockRestore();
});

async function newJob(prefix: string): Promise<{ job: JobRecord; topic: string }> {
  const topic = uniqueTopicName(prefix);
  await createTopic(testBrokers(), topic, 2);
  const job = await insertJob(db, { name: `${prefix}-${Date.now().toString(36)}`, topics: [topic], processor: "count-by-key", batchIntervalMs: 200, startingOffsets: "earliest" });
  return { job, topic };
}

/** Produces `perTick` records every `everyMs` until stopped. */
function produceContinuously(topic: string, perTick: number, everyMs: number) {
  let stopped = false;
  let sent = 0;
  const loop = (async () => {
    while (!stopped) {
      await producer.send({ topic, messages: Array.from({ length: perTick }, (_, i) => ({ key: `k${(sent + i) % 10}`, value: "x" })) });
      sent += perTick;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    sent: () => sent,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

async function jobStatus(id: string): Promise<string> {
  return (await db.job.findUniqueOrThrow({ where: { id } })).status;
}

const kinds = (path: string) => receivers.received(path).map((r) => (r.body as { kind?: string }).kind);
const eventIds = (path: string, kind: string) =>
  new Set(receivers.received(path).flatMap((r) => ((r.body as { kind?: string }).kind === kind ? [(r.body as { eventId: number }).eventId] : [])));
const after = (path: string, t: number): ReceivedRequest[] => receivers.received(path).filter((r) => r.at >= t);

describe("alerts on a real broker", () => {
  it("a stopped job under traffic fires `lag > N for 10s` on every chat format, repeats, is silenced, survives a restart and resolves after catch-up", async () => {
    const { job, topic } = await newJob("alerts-lag");
    const channels = [];
    for (const [type, path] of [["webhook", "/generic"], ["slack", "/slack"], ["teams", "/teams"], ["wecom", "/wecom"]] as const) {
      channels.push((await createChannel(deps, { name: `${type}-lag`, type, url: receivers.url(path), enabled: true })).id);
    }
    const rule = await createRule(
      deps,
      createAlertRuleSchema.parse({ name: "lag above 50", target: { type: "job", job: job.name }, condition: { type: "lag", threshold: 50 }, forSeconds: 10, severity: "critical", repeatSeconds: 3, channels }),
    );

    // Running and caught up first, then stopped by a user while records keep arriving.
    await setDesiredState(db, job.id, "running");
    const warmup = produceContinuously(topic, 20, 200);
    await waitFor(async () => (await jobStatus(job.id)) === "running", "job running", 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    await setDesiredState(db, job.id, "stopped");
    await waitFor(async () => (await jobStatus(job.id)) === "stopped", "job stopped", 30_000);
    const stoppedAt = Date.now();

    // Fires within sample interval + 10 s + 5 s, not before the 10 s have passed.
    await waitFor(async () => receivers.received("/generic").length > 0, "firing message", SAMPLE_MS + 10_000 + 5_000 + 2_000, 100);
    const firing = receivers.received("/generic")[0];
    expect(firing.at - stoppedAt).toBeGreaterThanOrEqual(10_000 - SAMPLE_MS);
    expect(firing.at - stoppedAt).toBeLessThanOrEqual(SAMPLE_MS + 10_000 + 5_000);
    const payload = firing.body as Record<string, unknown>;
    expect(payload).toMatchObject({
      version: 1,
      kind: "firing",
      state: "firing",
      rule: { id: rule.id, name: "lag above 50", severity: "critical", condition: "lag > 50 records" },
      target: { kind: "job", id: job.id, name: job.name },
      threshold: 50,
      unit: "records",
      link: `${PUBLIC_URL}/jobs/${job.name}`,
    });
    expect(payload.value as number).toBeGreaterThan(50);
    expect(Date.parse(payload.at as string) - Date.parse(payload.since as string)).toBeGreaterThanOrEqual(10_000);

    // The same alert in each chat format.
    await waitFor(async () => ["/slack", "/teams", "/wecom"].every((p) => receivers.received(p).length > 0), "chat messages", 5_000, 100);
    const slack = receivers.received("/slack")[0].body as { text: string; blocks: unknown[] };
    expect(slack.text).toContain("[FIRING] lag above 50");
    expect(JSON.stringify(slack.blocks)).toContain(`<${PUBLIC_URL}/jobs/${job.name}|Open in Tidemark>`);
    const teams = receivers.received("/teams")[0].body as { type: string; attachments: { contentType: string; content: { type: string; body: { text?: string }[] } }[] };
    expect(teams.type).toBe("message");
    expect(teams.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(teams.attachments[0].content.body[0].text).toBe("FIRING: lag above 50");
    const wecom = receivers.received("/wecom")[0].body as { msgtype: string; markdown: { content: string } };
    expect(wecom.msgtype).toBe("markdown");
    expect(wecom.markdown.content).toContain("FIRING</font> lag above 50");
    expect(wecom.markdown.content).toContain(`[Open in Tidemark](${PUBLIC_URL}/jobs/${job.name})`);

    // Repeats every 3 s while firing.
    await waitFor(async () => kinds("/generic").includes("repeat"), "a repeat", 3_000 + 3 * SAMPLE_MS + 1_000, 100);
    const repeat = receivers.received("/generic").find((r) => (r.body as { kind: string }).kind === "repeat")!;
    const sentAt = (r: ReceivedRequest) => Date.parse((r.body as { at: string }).at);
    expect(sentAt(repeat) - sentAt(firing)).toBeGreaterThanOrEqual(3_000);
    expect(sentAt(repeat) - sentAt(firing)).toBeLessThanOrEqual(3_000 + 2 * SAMPLE_MS);

    // A restart of alerting keeps the state: no second "firing", repeats carry on.
    await alerting.stop();
    startAlerting();
    // A message cut off by the stop is sent again after the restart (at least once), so count distinct events.
    await waitFor(async () => eventIds("/generic", "repeat").size >= 2, "a repeat after restart", 6_000, 100);
    expect(eventIds("/generic", "firing").size).toBe(1);

    // A silence on the rule suppresses the repeats.
    const silence = await createSilence(deps, { rule: rule.name, durationSeconds: 600, reason: "deploying" });
    const silencedAt = Date.now() + SAMPLE_MS; // a tick already under way may still send
    await new Promise((r) => setTimeout(r, 7_000));
    expect(after("/generic", silencedAt)).toHaveLength(0);
    await expireSilence(deps, silence.id);

    // Caught up again: a resolved message, on every channel.
    const resumedAt = Date.now();
    await warmup.stop();
    await setDesiredState(db, job.id, "running");
    await waitFor(async () => kinds("/generic").includes("resolved"), "resolved message", 20_000, 100);
    const resolved = receivers.received("/generic").find((r) => (r.body as { kind: string }).kind === "resolved")!;
    expect(resolved.at).toBeGreaterThan(resumedAt);
    expect(resolved.body).toMatchObject({ kind: "resolved", state: "resolved", target: { name: job.name } });
    await waitFor(async () => ["/slack", "/teams", "/wecom"].every((p) => JSON.stringify(receivers.received(p).at(-1)?.body ?? "").includes("RESOLVED")), "resolved on chat", 5_000, 100);
    expect(await db.alertState.count({ where: { ruleId: rule.id } })).toBe(0);

    // Every delivery is recorded with its attempt (written just after the receiver answered).
    await waitFor(async () => (await db.alertDelivery.count({ where: { event: { ruleId: rule.id }, status: "pending" } })) === 0, "deliveries recorded", 5_000, 50);
    const deliveries = await db.alertDelivery.findMany({ where: { event: { ruleId: rule.id } }, include: { tries: true } });
    expect(deliveries.length).toBeGreaterThanOrEqual(4 * 4);
    for (const d of deliveries) expect({ status: d.status, tries: d.tries.length, ok: d.tries[0]?.ok }).toEqual({ status: "delivered", tries: 1, ok: true });
    await setDesiredState(db, job.id, "stopped");
  });

  it("a hanging or failing endpoint gets retries with backoff, every attempt recorded, while a job keeps its throughput", async () => {
    const busy = await newJob("alerts-busy");
    const idle = await newJob("alerts-idle");
    const hang = await createChannel(deps, { name: "hanging", type: "webhook", url: receivers.url("/hang"), enabled: true });
    const fail = await createChannel(deps, { name: "failing", type: "slack", url: receivers.url("/fail"), enabled: true });
    const bad = await createChannel(deps, { name: "wecom-bad-key", type: "wecom", url: receivers.url("/wecom-bad"), enabled: true });
    // The idle job is stopped with lag: this rule fires at once and every second, to the broken endpoints.
    await producer.send({ topic: idle.topic, messages: Array.from({ length: 10 }, () => ({ value: "x" })) });
    await createRule(
      deps,
      createAlertRuleSchema.parse({ name: "noisy", target: { type: "job", job: idle.job.name }, condition: { type: "lag", threshold: 0 }, forSeconds: 0, repeatSeconds: 1, channels: [hang.id, fail.id, bad.id] }),
    );

    await setDesiredState(db, busy.job.id, "running");
    await waitFor(async () => (await jobStatus(busy.job.id)) === "running", "busy job running", 30_000);
    const traffic = produceContinuously(busy.topic, 50, 100);
    await waitFor(async () => receivers.received("/hang").length >= 3, "attempts at the hanging endpoint", 15_000, 100);
    const windowStart = new Date();
    await new Promise((r) => setTimeout(r, 5_000));
    const windowEnd = new Date();
    await traffic.stop();

    // The busy job kept batching every ~200 ms and kept up with the producer.
    const batches = await db.batch.findMany({ where: { jobId: busy.job.id, status: "succeeded", completedAt: { gte: windowStart, lte: windowEnd } } });
    expect(batches.length).toBeGreaterThanOrEqual(15);
    expect(batches.reduce((sum, b) => sum + b.records, 0)).toBeGreaterThan(1500);
    await waitFor(() => caughtUp(db, log, busy.job.id, [busy.topic]), "busy job caught up", 10_000);
    // The sampler kept its cadence too.
    const ticks = await samplerDb.lagSample.count({ where: { kind: "job", subject: busy.job.id, partition: -1, resolution: 0, ts: { gte: BigInt(windowStart.getTime()), lte: BigInt(windowEnd.getTime()) } } });
    expect(ticks).toBeGreaterThanOrEqual(8);

    // Each broken delivery was tried 3 times with growing gaps, then marked failed with the reason.
    await waitFor(async () => (await db.alertDelivery.count({ where: { channelId: { in: [hang.id, fail.id, bad.id] }, status: "failed" } })) >= 3, "failed deliveries", 15_000);
    const failed = await db.alertDelivery.findMany({ where: { channelId: { in: [hang.id, fail.id, bad.id] }, status: "failed" }, include: { tries: { orderBy: { id: "asc" } } } });
    const byChannel = (id: string) => failed.find((d) => d.channelId === id)!;
    expect(byChannel(hang.id).tries.map((t) => [t.ok, t.statusCode, t.error])).toEqual([[false, null, "timed out after 800 ms"], [false, null, "timed out after 800 ms"], [false, null, "timed out after 800 ms"]]);
    expect(byChannel(fail.id).tries.map((t) => [t.ok, t.statusCode])).toEqual([[false, 500], [false, 500], [false, 500]]);
    expect(byChannel(fail.id).lastError).toBe("HTTP 500: boom");
    expect(byChannel(bad.id).tries[0].error).toContain("WeCom errcode 93000");
    const t = byChannel(fail.id).tries.map((x) => x.at.getTime());
    expect(t[2] - t[1]).toBeGreaterThan(t[1] - t[0]); // backoff doubles (200 ms, then 400 ms)
    await setDesiredState(db, busy.job.id, "stopped");
  });

  it("e-mail over SMTP: 'send test', and a firing then a resolved alert through the dispatcher; secrets never in logs, API answers, audit rows or delivery errors", async () => {
    const mails: { from: string; to: string[]; data: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onAuth(auth, _session, cb) {
        cb(auth.username === "alerts" && auth.password === "s3cret-pass" ? null : new Error("bad credentials"), { user: auth.username });
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString() });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const port = (smtp.server.address() as { port: number }).port;
    const answers: unknown[] = []; // what the API would send to a browser
    try {
      const channel = await createChannel(deps, { name: "ops-mail", type: "email", host: "127.0.0.1", port, tls: "none", user: "alerts", password: "s3cret-pass", from: "tidemark@example.com", to: ["ops@example.com"], enabled: true });
      answers.push(channel);
      expect(channel.email).toMatchObject({ host: "127.0.0.1", passwordSet: true });
      const result = await testChannel(deps, channel.id);
      answers.push(result);
      expect(result).toMatchObject({ ok: true, error: null });
      expect(mails).toHaveLength(1);
      expect(mails[0].to).toEqual(["ops@example.com"]);
      expect(mails[0].data).toMatch(/Subject: \[Tidemark\] TEST: Test of channel ops-mail/);

      const wrong = await createChannel(deps, { name: "bad-mail", type: "email", host: "127.0.0.1", port, tls: "none", user: "alerts", password: "wrong-password", from: "tidemark@example.com", to: ["ops@example.com"], enabled: true });
      const refused = await testChannel(deps, wrong.id);
      answers.push(wrong, refused);
      expect(refused.ok).toBe(false);

      // Webhook test messages; a URL's secret path never appears in a recorded error.
      const secretUrl = receivers.url("/echo/T000/B000/very-secret-token?key=another-secret-key");
      const hook = await createChannel(deps, { name: "secret-hook", type: "webhook", url: secretUrl, enabled: true });
      expect(hook.url).toBe(`${new URL(secretUrl).origin}/••••••`);
      const failedTest = await testChannel(deps, hook.id);
      answers.push(hook, failedTest);
      expect(failedTest).toMatchObject({ ok: false, statusCode: 500, error: "HTTP 500: Cannot POST [secret]" });
      const dead = await createChannel(deps, { name: "dead-hook", type: "webhook", url: "http://127.0.0.1:9/hooks/very-secret-token", enabled: true });
      answers.push(dead, await testChannel(deps, dead.id));
      const okHook = await createChannel(deps, { name: "ok-hook", type: "webhook", url: receivers.url("/generic-test"), enabled: true });
      expect(await testChannel(deps, okHook.id)).toMatchObject({ ok: true, statusCode: 200 });
      expect(receivers.received("/generic-test")[0].body).toMatchObject({ kind: "test", rule: { name: "Test of channel ok-hook" }, link: `${PUBLIC_URL}/alerts` });

      // A real alert through the dispatcher: the job stops with lag, the rule fires by e-mail (and to the
      // channels whose secrets are wrong, which fail and are logged), then the job catches up and it resolves.
      const { job, topic } = await newJob("alerts-mail");
      await setDesiredState(db, job.id, "running");
      await waitFor(async () => (await jobStatus(job.id)) === "running", "mail job running", 30_000);
      await setDesiredState(db, job.id, "stopped");
      await waitFor(async () => (await jobStatus(job.id)) === "stopped", "mail job stopped", 30_000);
      await producer.send({ topic, messages: Array.from({ length: 5 }, () => ({ value: "x" })) });
      await createRule(
        deps,
        createAlertRuleSchema.parse({ name: "mail lag", target: { type: "job", job: job.name }, condition: { type: "lag", threshold: 0 }, forSeconds: 0, severity: "critical", repeatSeconds: null, channels: [channel.id, wrong.id, hook.id] }),
      );
      const subject = (kind: string) => mails.find((m) => m.data.includes(`Subject: [Tidemark] ${kind}: mail lag on job ${job.name}`));
      await waitFor(async () => subject("FIRING") !== undefined, "the firing e-mail", 10_000, 100);
      expect(subject("FIRING")!.to).toEqual(["ops@example.com"]);
      expect(subject("FIRING")!.data).toContain(`${PUBLIC_URL}/jobs/${job.name}`);
      expect(subject("FIRING")!.data).toMatch(/Value: +5 records/);
      await setDesiredState(db, job.id, "running");
      await waitFor(async () => subject("RESOLVED") !== undefined, "the resolved e-mail", 30_000, 100);
      expect(subject("RESOLVED")!.data).toContain("back to 0 records");
      expect(mails.filter((m) => m.data.includes("mail lag on job"))).toHaveLength(2);
      await setDesiredState(db, job.id, "stopped");
      // The channels with a wrong password and a dead URL: failed after their attempts, each recorded and logged.
      await waitFor(async () => (await db.alertDelivery.count({ where: { event: { ruleName: "mail lag" }, channelId: { in: [wrong.id, hook.id] }, status: "failed" } })) === 4, "failed deliveries", 20_000);
      expect(logs.some((l) => l.includes("alert to channel 'bad-mail' not delivered after 3 attempts"))).toBe(true);
      expect(logs.some((l) => l.includes("alert to channel 'secret-hook' not delivered after 3 attempts: HTTP 500: Cannot POST [secret]"))).toBe(true);
      answers.push(await listChannels(deps), await listEvents(deps, { limit: 200 }));
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }

    const stored = {
      attempts: await db.alertDeliveryAttempt.findMany(),
      deliveries: await db.alertDelivery.findMany(),
      events: await db.alertEvent.findMany(),
      audit: await db.auditEvent.findMany(),
    };
    const text = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
    const places = { logs: logs.join("\n"), answers: text(answers), ...Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, text(v)])) };
    expect(places.logs).toContain("not delivered"); // the logs were captured
    expect(places.answers).toContain("HTTP 500");
    for (const [where, text] of Object.entries(places)) {
      for (const secret of ["very-secret-token", "another-secret-key", "s3cret-pass", "wrong-password", "/T000/B000"]) expect({ where, leaked: text.includes(secret) ? secret : null }).toEqual({ where, leaked: null });
    }
  });
});
