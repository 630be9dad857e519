import type { InstancesDto, JobOwnerDto } from "@/lib/contracts/instances";
import { listInstances } from "../cluster/instance-store";
import { databaseNowMs, jobIdOfLease, listLeases } from "../cluster/lease-store";
import type { Db } from "../stores/tx";

export interface InstanceServiceDeps {
  db: Db;
  /** TIDEMARK_LEASE_TTL_MS: a heartbeat older than this is silent. */
  leaseTtlMs: number;
}

/** Job leases with an owner, on the database clock: live while their expiry is ahead of it. */
async function ownedLeases(db: Db) {
  const [leases, nowMs] = await Promise.all([listLeases(db, "job:"), databaseNowMs(db)]);
  const owned = leases.flatMap((l) => {
    const jobId = jobIdOfLease(l.name);
    return jobId && l.owner !== null ? [{ jobId, owner: l.owner, epoch: l.epoch, live: l.expiresAt > nowMs }] : [];
  });
  return { owned, nowMs };
}

/** Each job's owner by job id; a job without an entry has no lease or a released one. */
export async function jobOwners(db: Db): Promise<Map<string, JobOwnerDto>> {
  const [{ owned }, instances] = await Promise.all([ownedLeases(db), listInstances(db)]);
  const hosts = new Map(instances.map((i) => [i.id, i.host]));
  return new Map(owned.map((l) => [l.jobId, { instanceId: l.owner, host: hosts.get(l.owner) ?? null, live: l.live, epoch: l.epoch }]));
}

/** GET /api/instances: every instance the database lists, live or silent, with the jobs whose live lease it holds. */
export async function listInstanceDtos({ db, leaseTtlMs }: InstanceServiceDeps): Promise<InstancesDto> {
  const [{ owned, nowMs }, instances, jobs] = await Promise.all([ownedLeases(db), listInstances(db), db.job.findMany({ select: { id: true, name: true } })]);
  const names = new Map(jobs.map((j) => [j.id, j.name]));
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    asOf: iso(nowMs),
    leaseTtlMs,
    instances: instances.map((i) => ({
      id: i.id,
      host: i.host,
      pid: i.pid,
      version: i.version,
      startedAt: iso(i.startedAt),
      heartbeatAt: iso(i.heartbeatAt),
      live: i.heartbeatAt >= nowMs - leaseTtlMs,
      jobs: owned
        .filter((l) => l.live && l.owner === i.id && names.has(l.jobId))
        .map((l) => ({ id: l.jobId, name: names.get(l.jobId)!, epoch: l.epoch }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    })),
  };
}
