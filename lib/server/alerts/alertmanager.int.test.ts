/**
 * The Alertmanager channel against a real Alertmanager (Debian's prometheus-alertmanager, started here on a
 * free port with a temp config and storage dir): an alert fired by Tidemark's evaluator shows up in its API,
 * stays there past one validity window because Tidemark posts it again, reaches Alertmanager's own receiver,
 * and is resolved there (endsAt = the moment it resolved in Tidemark) when its condition ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertChannelSchema } from "@/lib/contracts/alert-channels";
import { createAlertRuleSchema } from "@/lib/contracts/alerts";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { insertJob, setDesiredState } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { Alerting } from "./alerting";
import { createChannel } from "./alert-channel-service";
import { createRule } from "./alert-service";

const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  status: { state: string };
}
interface AmNotification {
  status: string;
  alerts: { status: string; labels: Record<string, string>; endsAt: string }[];
}

let dir: string;
let am: ChildProcess;
let amUrl: string;
let amLog = "";
let hook: http.Server;
const notifications: AmNotification[] = [];
let temp: ReturnType<typeof createTempDatabase>;
let db: Db;
let alerting: Alerting;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  // Alertmanager's receiver for what it routes: a webhook here.
  hook = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      notifications.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as AmNotification);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  const hookPort = (hook.address() as net.AddressInfo).port;

  dir = mkdtempSync(path.join(tmpdir(), "tidemark-alertmanager-"));
  writeFileSync(
    path.join(dir, "alertmanager.yml"),
    [
      "route:",
      "  receiver: hook",
      "  group_by: [alertname, job]",
      "  group_wait: 0s",
      "  group_interval: 1s",
      "  repeat_interval: 1h",
      "receivers:",
      "  - name: hook",
      "    webhook_configs:",
      `      - url: http://127.0.0.1:${hookPort}/alertmanager`,
      "        send_resolved: true",
      "",
    ].join("\n"),
  );
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  am = spawn(
    ALERTMANAGER,
    [`--config.file=${path.join(dir, "alertmanager.yml")}`, `--storage.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address=", "--log.level=warn"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  am.stdout!.on("data", (d: Buffer) => (amLog += d.toString()));
  am.stderr!.on("data", (d: Buffer) => (amLog += d.toString()));
  await waitFor(async () => (await fetch(`${amUrl}/-/ready`).catch(() => null))?.ok === true, "Alertmanager ready", 20_000, 100);

  temp = createTempDatabase();
  db = temp.client();
  alerting = new Alerting({ databaseUrl: temp.url, intervalMs: 250, publicUrl: "http://tidemark.test", timeoutMs: 2000, maxAttempts: 3, backoffBaseMs: 200, log: () => {} });
  alerting.start();
});

afterAll(async () => {
  await alerting?.stop();
  await db?.$disconnect();
  temp?.remove();
  if (am && am.exitCode === null) {
    const exited = new Promise((resolve) => am.once("exit", resolve));
    am.kill("SIGTERM");
    await exited;
  }
  hook?.closeAllConnections();
  await new Promise((resolve) => hook?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function amAlerts(): Promise<AmAlert[]> {
  const response = await fetch(`${amUrl}/api/v2/alerts`);
  expect(response.status).toBe(200);
  return (await response.json()) as AmAlert[];
}

describe("Alertmanager channel", () => {
  it("a firing alert appears in Alertmanager, is kept alive by resends, and is resolved there when it ends", async () => {
    const job = await insertJob(db, { name: "orders-eu", topics: ["orders"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest" });
    const deps = { db, actor: "test", publicUrl: "http://tidemark.test" };
    // Posted again every second, each post valid for 4 s: the alert must outlive several windows.
    const channel = await createChannel(deps, createAlertChannelSchema.parse({ name: "am", type: "alertmanager", url: amUrl, resendSeconds: 1 }));
    expect(channel).toMatchObject({ type: "alertmanager", url: `${amUrl}/••••••`, alertmanager: { resendSeconds: 1 } });
    // repeatSeconds null: Tidemark itself sends the firing message once; the resends are the refresher's.
    await createRule(
      deps,
      createAlertRuleSchema.parse({ name: "orders down", target: { type: "job", job: "orders-eu" }, condition: { type: "job-not-running" }, forSeconds: 0, severity: "critical", repeatSeconds: null, channels: ["am"] }),
    );
    // Asked to run but stopped (as a runtime that went away leaves it): job-not-running holds.
    await db.job.update({ where: { id: job.id }, data: { desiredState: "running", status: "stopped" } });

    await waitFor(async () => (await amAlerts()).some((a) => a.labels.rule === "orders down"), "the alert in Alertmanager", 15_000, 100);
    const [firing] = (await amAlerts()).filter((a) => a.labels.rule === "orders down");
    expect(firing.labels).toEqual({ alertname: "orders down", rule: "orders down", severity: "critical", job: "orders-eu", source: "tidemark" });
    expect(firing.annotations).toMatchObject({ summary: "orders down: job stopped without a user asking on job orders-eu", link: "http://tidemark.test/jobs/orders-eu" });
    expect(firing.generatorURL).toBe("http://tidemark.test/jobs/orders-eu");
    expect(firing.status.state).toBe("active");
    await waitFor(async () => notifications.some((n) => n.status === "firing" && n.alerts.some((a) => a.labels.rule === "orders down")), "Alertmanager's firing notification", 10_000, 100);

    // Past two validity windows (4 s each), the alert is still active, its endsAt moved on.
    await new Promise((r) => setTimeout(r, 9000));
    const [kept] = (await amAlerts()).filter((a) => a.labels.rule === "orders down");
    expect(kept?.status.state).toBe("active");
    expect(Date.parse(kept.endsAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(kept.startsAt)).toBe(Date.parse(firing.startsAt));
    expect(await db.alertEvent.count({ where: { kind: "firing" } })).toBe(1);
    expect(await db.alertEvent.count({ where: { kind: "repeat" } })).toBe(0);

    // The condition ends: the resolve is delivered (endsAt = now) and Alertmanager resolves it at once.
    await setDesiredState(db, job.id, "stopped");
    await waitFor(async () => !(await amAlerts()).some((a) => a.labels.rule === "orders down"), "the alert gone from Alertmanager's active alerts", 10_000, 100);
    const resolved = await db.alertEvent.findFirstOrThrow({ where: { kind: "resolved" }, include: { deliveries: { include: { tries: true } } } });
    expect(resolved.deliveries.map((d) => [d.channelName, d.status, d.tries.length])).toEqual([["am", "delivered", 1]]);
    await waitFor(async () => notifications.some((n) => n.status === "resolved"), "Alertmanager's resolved notification", 10_000, 100);
    const note = notifications.find((n) => n.status === "resolved")!;
    expect(note.alerts.map((a) => [a.status, a.labels.job])).toEqual([["resolved", "orders-eu"]]);
    // Ended when it resolved, not at the firing messages' future endsAt: the resolve's own time, or a few ms
    // later when a resend crossed it and the refresher posted the end again.
    const endedAt = Date.parse(note.alerts[0].endsAt);
    expect(endedAt).toBeGreaterThanOrEqual(resolved.at.getTime());
    expect(endedAt).toBeLessThan(resolved.at.getTime() + 5_000);

    const firingEvent = await db.alertEvent.findFirstOrThrow({ where: { kind: "firing" }, include: { deliveries: { include: { tries: true } } } });
    expect(firingEvent.deliveries.map((d) => [d.status, d.tries.map((t) => t.statusCode)])).toEqual([["delivered", [200]]]);
  });
});
