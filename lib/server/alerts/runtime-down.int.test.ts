/**
 * job-not-running when the runtime crashes: the real runtime, in a worker thread (the default under `next
 * start`) and in a child process, is ended abruptly (worker.terminate(), SIGKILL); the job's stored status
 * stays "running" (nothing is left to change it), and the alert fires from what the runtime's supervisor
 * reports, as lib/server/boot.ts wires it.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertRuleSchema } from "@/lib/contracts/alerts";
import { systemClock } from "@/lib/domain/ports";
import { createTopic, testBrokers, uniqueTopicName } from "@/lib/testing/kafka";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { runtimeProcess } from "../runtime/runtime-child";
import type { SupervisedRuntime } from "../runtime/runtime-supervisor";
import { runtimeThread } from "../runtime/runtime-thread";
import { insertJob, setDesiredState } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { AlertEvaluator } from "./alert-evaluator";
import { createRule } from "./alert-service";
import { DbAlertSignals } from "./db-alert-signals";

let temp: ReturnType<typeof createTempDatabase>;
let db: Db;
let runtime: SupervisedRuntime | undefined;

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

describe.each([
  ["thread", runtimeThread],
  ["process", runtimeProcess],
])("a crashed runtime %s", (kind, launch) => {
  it("fires job-not-running although the job's status still says running", async () => {
    await runtime?.stop();
    await db.alertRule.deleteMany();
    await db.alertEvent.deleteMany();
    const topic = uniqueTopicName("runtime-down");
    await createTopic(testBrokers(), topic, 1);
    const job = await insertJob(db, { name: `crashing-${kind}`, topics: [topic], processor: "count-by-key", batchIntervalMs: 200, startingOffsets: "earliest" });
    await setDesiredState(db, job.id, "running");
    await createRule({ db, actor: "test", publicUrl: "http://t" }, createAlertRuleSchema.parse({ name: `down-${kind}`, target: { type: "job", job: `crashing-${kind}` }, condition: { type: "job-not-running" }, forSeconds: 0 }));

    runtime = launch({
      cwd: path.join(import.meta.dirname, "../../.."),
      env: { ...process.env, DATABASE_URL: temp.url, KAFKA_BROKERS: testBrokers().join(","), KAFKA_CLIENT_ID: "runtime-down-test", TIDEMARK_RECONCILE_INTERVAL_MS: "200" },
    });
    await runtime.start();
    const status = async () => (await db.job.findUniqueOrThrow({ where: { id: job.id } })).status;
    await waitFor(async () => (await status()) === "running", "job running in the runtime child", 60_000);

    const supervisor = runtime;
    const evaluator = new AlertEvaluator({ db, signals: new DbAlertSignals(db, 500, () => supervisor.downSince()), clock: systemClock, intervalMs: 500, publicUrl: "http://t" });
    await evaluator.tick();
    expect(supervisor.downSince()).toBeNull();
    expect(await db.alertEvent.count()).toBe(0);

    const killedAt = Date.now();
    supervisor.crash();
    await waitFor(async () => supervisor.downSince() !== null, "the runtime reported down", 10_000, 20);
    expect(supervisor.downSince()!).toBeGreaterThanOrEqual(killedAt);
    expect(await status()).toBe("running"); // what the job page shows: nothing ran to change it
    await evaluator.tick();
    const events = await db.alertEvent.findMany();
    expect(events.map((e) => `${e.kind}:${e.targetName}`)).toEqual([`firing:crashing-${kind}`]);

    // Restarted a second later, the runtime counts as down until the new process has stayed up for 30 s.
    await waitFor(async () => (await status()) === "running" && supervisor.downSince() !== null, "restarted, still counted down", 30_000);
  });
});
