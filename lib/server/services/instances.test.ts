/** Instances and job owners as the API answers them, from instance and lease rows written by the cluster's own stores on a real SQLite file. */
import { beforeEach, describe, expect, it } from "vitest";
import { instancesSchema } from "@/lib/contracts/instances";
import { jobDtoSchema } from "@/lib/contracts/jobs";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { heartbeat } from "../cluster/instance-store";
import { claimLeases, ensureLeases, jobLeaseName, releaseLease } from "../cluster/lease-store";
import { insertJob } from "../stores/job-store";
import { jobOwners, listInstanceDtos } from "./instances";
import { getJobDto } from "./jobs";
import type { KafkaLog } from "@/lib/domain/ports";

const db = tempDatabaseForTests();
const TTL = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** No Kafka here: the job's lag is then unknown, which these tests do not look at. */
const noKafka = { logOffsets: () => Promise.reject(new Error("no Kafka in this test")) } as unknown as KafkaLog;

const job = (name: string) => insertJob(db, { name, topics: ["t"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest" });

beforeEach(async () => {
  await db.job.deleteMany();
  await db.lease.deleteMany();
  await db.instance.deleteMany();
});

describe("instances and job owners", () => {
  it("lists live and silent instances with the jobs whose live lease each holds", async () => {
    const [orders, payments, idle] = [await job("orders"), await job("payments"), await job("idle")];
    await heartbeat(db, { id: "a", host: "host-a", pid: 11, version: "1.2.3" });
    await heartbeat(db, { id: "b", host: "host-b", pid: 22, version: "1.2.3" });
    // b has been silent for longer than the TTL.
    await db.instance.update({ where: { id: "b" }, data: { heartbeatAt: BigInt(Date.now() - TTL - 5_000) } });
    await ensureLeases(db, [orders.id, payments.id, idle.id].map(jobLeaseName));
    await claimLeases(db, "a", [jobLeaseName(orders.id)], 1, 60_000);
    const [stale] = await claimLeases(db, "b", [jobLeaseName(payments.id)], 1, 1);
    const [released] = await claimLeases(db, "a", [jobLeaseName(idle.id)], 1, 60_000);
    await releaseLease(db, "a", released);
    await sleep(20);

    const answer = instancesSchema.parse(await listInstanceDtos({ db, leaseTtlMs: TTL }));
    expect(answer.leaseTtlMs).toBe(TTL);
    expect(Math.abs(Date.parse(answer.asOf) - Date.now())).toBeLessThan(5_000);
    const byId = Object.fromEntries(answer.instances.map((i) => [i.id, i]));
    expect(byId.a).toMatchObject({ host: "host-a", pid: 11, version: "1.2.3", live: true, jobs: [{ id: orders.id, name: "orders", epoch: 1 }] });
    // b's lease expired: it owns nothing now, and it is silent.
    expect(byId.b).toMatchObject({ host: "host-b", pid: 22, live: false, jobs: [] });

    const owners = await jobOwners(db);
    expect(owners.get(orders.id)).toEqual({ instanceId: "a", host: "host-a", live: true, epoch: 1 });
    expect(owners.get(payments.id)).toEqual({ instanceId: "b", host: "host-b", live: false, epoch: stale.epoch });
    expect(owners.has(idle.id)).toBe(false); // released
  });

  it("the job answer carries its owner, or null without a lease; an owner no longer listed has no host", async () => {
    const orders = await job("orders");
    const deps = { db, log: noKafka };
    expect((await getJobDto(deps, "orders")).owner).toBeNull();
    await ensureLeases(db, [jobLeaseName(orders.id)]);
    expect((await getJobDto(deps, "orders")).owner).toBeNull();
    await claimLeases(db, "gone", [jobLeaseName(orders.id)], 1, 60_000);
    const dto = jobDtoSchema.parse(await getJobDto(deps, "orders"));
    expect(dto.owner).toEqual({ instanceId: "gone", host: null, live: true, epoch: 1 });
  });

  it("no instances: an empty list, not an error", async () => {
    expect((await listInstanceDtos({ db, leaseTtlMs: TTL })).instances).toEqual([]);
  });
});
