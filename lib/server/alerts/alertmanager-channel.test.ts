/**
 * What the dispatcher posts to an Alertmanager channel, received by a node http server: a firing message made
 * valid for 4 resend intervals, and one retried after its alert resolved sent as ended at the resolve (so a
 * late retry cannot open a resolved alert again). The real Alertmanager is in alertmanager.int.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertChannelSchema } from "@/lib/contracts/alert-channels";
import type { AlertmanagerAlert } from "@/lib/domain/alertmanager-payload";
import type { Clock } from "@/lib/domain/ports";
import { tempDatabaseForTests, waitFor } from "@/lib/testing/temp-db";
import { AlertDispatcher } from "./alert-dispatcher";
import { createChannel } from "./alert-channel-service";
import { defaultTransport } from "./channels";
import { startRecordingServer } from "./test-receivers";

const db = tempDatabaseForTests();
const now = Date.parse("2026-12-04T10:00:00.000Z");
const clock: Clock = { now: () => now, sleep: async () => {} };
const posts: { url: string; alerts: AlertmanagerAlert[] }[] = [];
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ base, close } = await startRecordingServer((request) => {
    posts.push({ url: request.url, alerts: JSON.parse(request.body.toString("utf8")) as AlertmanagerAlert[] });
    return 200;
  }));
});

afterAll(() => close());

async function event(kind: "firing" | "resolved", atMs: number, targetKey: string) {
  const details = { conditionText: "lag > 10 records", threshold: 10, unit: "records", valueText: "50 records", since: "2026-12-04T09:59:00.000Z", targetKind: "job", targetId: targetKey.slice(4), link: "http://t/jobs/a", silencedBy: null };
  return db.alertEvent.create({ data: { at: new Date(atMs), kind, ruleId: "rule-1", ruleName: "lag", severity: "warning", targetKey, targetName: targetKey.slice(4), value: 50, details: JSON.stringify(details) } });
}

async function deliverFiring(channelId: string, eventId: number) {
  const delivery = await db.alertDelivery.create({ data: { eventId, channelId, channelName: "am", channelType: "alertmanager", nextAttemptAt: BigInt(now) } });
  const dispatcher = new AlertDispatcher({ db, transport: defaultTransport, clock, timeoutMs: 2000, maxAttempts: 3, backoffBaseMs: 1000 });
  await dispatcher.dispatchDue();
  await waitFor(async () => (await db.alertDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status === "delivered", "delivered", 5000, 20);
  await dispatcher.stop();
  return posts.at(-1)!;
}

describe("Alertmanager channel posts", () => {
  it("a firing message ends 4 resends ahead; one whose alert resolved since ends at the resolve", async () => {
    const channel = await createChannel({ db, publicUrl: "http://t" }, createAlertChannelSchema.parse({ name: "am", type: "alertmanager", url: `${base}/`, resendSeconds: 30 }));

    const firing = await event("firing", now - 5000, "job:a");
    const fresh = await deliverFiring(channel.id, firing.id);
    expect(fresh.url).toBe("/api/v2/alerts");
    expect(fresh.alerts).toEqual([
      {
        labels: { alertname: "lag", rule: "lag", severity: "warning", job: "a", source: "tidemark" },
        annotations: { summary: "lag: lag > 10 records on job a", description: "value: 50 records", link: "http://t/jobs/a" },
        startsAt: "2026-12-04T09:59:00.000Z",
        endsAt: new Date(now - 5000 + 120_000).toISOString(),
        generatorURL: "http://t/jobs/a",
      },
    ]);

    const late = await event("firing", now - 4000, "job:b");
    const resolved = await event("resolved", now - 2000, "job:b");
    const retried = await deliverFiring(channel.id, late.id);
    expect(retried.alerts[0].labels.job).toBe("b");
    expect(retried.alerts[0].endsAt).toBe(resolved.at.toISOString());
  }, 30_000);
});
