import { applyMigrations } from "/work/main/lib/server/db/migrate";
import { createPrismaClient } from "/work/main/lib/server/db/client";
import { insertJob, setDesiredState } from "/work/main/lib/server/stores/job-store";
import { RuntimeHost } from "/work/main/lib/server/runtime/runtime-host";
import { createTopic, produceWithKcat, uniqueTopicName } from "/work/main/scripts/kafka/tools";
import { startBroker } from "/work/main/scripts/kafka/broker";
import fs from "node:fs"; import os from "node:os"; import path from "node:path";
async function main() {
process.env.TIDEMARK_DEBUG_TIMING = "1";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "prof-"));
const broker = await startBroker({ dataDir: path.join(tmp, "kafka") });
const topic = uniqueTopicName("prof");
await createTopic(broker.brokers, topic, 8);
const lines: string[] = [];
for (let j = 0; j < 200000; j++) lines.push(`key-${(j*7919)%1000}:{"seq":${j},"amount":${j%1000},"region":"eu-west","note":"${"x".repeat(40)}"}`);
await produceWithKcat(broker.brokers, topic, lines);
const url = `file:${tmp}/t.db`; applyMigrations(url);
const db = createPrismaClient(url);
const proc = process.env.PROC ?? "count-by-key";
const job = await insertJob(db, { name: "p", topics: [topic], processor: proc, batchIntervalMs: 100, maxRecordsPerPartition: 25000, startingOffsets: "earliest" });
await setDesiredState(db, job.id, "running");
const host = new RuntimeHost({ databaseUrl: url, brokers: broker.brokers, clientId: "prof", reconcileIntervalMs: 100 });
const t0 = Date.now();
await host.start();
for (;;) { const rows = await db.jobOffset.findMany({ where: { jobId: job.id } }); if (rows.reduce((s, r) => s + Number(r.offset), 0) >= 200000) break; await new Promise(r => setTimeout(r, 50)); }
console.log("total", Date.now() - t0);
await host.stop(); await db.$disconnect(); await broker.stop(); process.exit(0);

}
void main();
