/**
 * job-not-running when the runtime process crashes: the real runtime child (RuntimeChild, as `next start` runs
 * it) is SIGKILLed; the job's stored status stays "running" (nothing is left to change it), and the alert
 * fires from what RuntimeChild reports, as lib/server/boot.ts wires it.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertRuleSchema } from "@/lib/contracts/alerts";
import { systemClock } from "@/lib/domain/ports";
import { createTopic, testBrokers, uniqueTopicName } from "@/lib/testing/kafka";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { RuntimeChild } from "../runtime/runtime-child";
import { insertJob, setDesiredState } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { AlertEvaluator } from "./alert-evaluator";
import { createRule } from "./alert-service";
import { DbAlertSignals } from "./db-alert-signals";

let temp: ReturnType<typeof createTempDatabase>;
let db: Db;
let runtime: RuntimeChild;

beforeAll(() => {
  temp = createTempDatabase();
  db = temp.client();
  // The runtime bundle goes to this test's own build dir, not a shared .next.
  process.env.NEXT_DIST_DIR = ".next-alerts-test";
});

afterAll(async () => {
  await runtime?.stop();
  await db?.$disconnect();
  temp?.remove();
});

describe("a crashed runtime process", () => {
  it("fires job-not-running although the job's status still says running", async () => {
    const topic = uniqueTopicName("runtime-down");
    await createTopic(testBrokers(), topic, 1);
    const job = await insertJob(db, { name: "crashing", topics: [topic], processor: "count-by-key", batchIntervalMs: 200, startingOffsets: "earliest" });
    await setDesiredState(db, job.id, "running");
    await createRule({ db, actor: "test", publicUrl: "http://t" }, createAlertRuleSchema.parse({ name: "down", target: { type: "all-jobs" }, condition: { type: "job-not-running" }, forSeconds: 0 }));

    runtime = new RuntimeChild({
      cwd: path.join(import.meta.dirname, "../../.."),
      env: { ...process.env, DATABASE_URL: temp.url, KAFKA_BROKERS: testBrokers().join(","), KAFKA_CLIENT_ID: "runtime-down-test", TIDEMARK_RECONCILE_INTERVAL_MS: "200" },
    });
    await runtime.start();
    const status = async () => (await db.job.findUniqueOrThrow({ where: { id: job.id } })).status;
    await waitFor(async () => (await status()) === "running", "job running in the runtime child", 60_000);

    const evaluator = new AlertEvaluator({ db, signals: new DbAlertSignals(db, 500, () => runtime.downSince()), clock: systemClock, intervalMs: 500, publicUrl: "http://t" });
    await evaluator.tick();
    expect(runtime.downSince()).toBeNull();
    expect(await db.alertEvent.count()).toBe(0);

    const killedAt = Date.now();
    (runtime as unknown as { child: ChildProcess }).child.kill("SIGKILL");
    await waitFor(async () => runtime.downSince() !== null, "the runtime reported down", 10_000, 20);
    expect(runtime.downSince()!).toBeGreaterThanOrEqual(killedAt);
    expect(await status()).toBe("running"); // what the job page shows: nothing ran to change it
    await evaluator.tick();
    const events = await db.alertEvent.findMany();
    expect(events.map((e) => `${e.kind}:${e.targetName}`)).toEqual(["firing:crashing"]);

    // Restarted a second later, the runtime counts as down until the new process has stayed up for 30 s.
    await waitFor(async () => (await status()) === "running" && runtime.downSince() !== null, "restarted, still counted down", 30_000);
  });
});
