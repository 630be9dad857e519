import type { Clock } from "@/lib/domain/ports";
import { runPeriodically } from "../periodic-loop";
import type { Db } from "../stores/tx";
import { leaseFence, type Fence } from "./fence";
import { forgetOtherInstances, forgetSilentInstances, heartbeat, liveInstanceIds, removeInstance, type InstanceIdentity } from "./instance-store";
import { claimLeases, dropLeases, ensureLeases, jobIdOfLease, jobLeaseName, releaseLease, renewLease, type HeldLease } from "./lease-store";

/** How long the Instances view keeps listing an instance that stopped without saying so. */
export const SILENT_INSTANCE_KEPT_MS = 24 * 3600_000;

export interface JobLeasesOptions {
  db: Db;
  clock: Clock;
  identity: InstanceIdentity;
  /** A lease not renewed for this long is free for another instance (TIDEMARK_LEASE_TTL_MS). */
  ttlMs: number;
  /**
   * One machine (SQLite): this runtime is the only one, so it runs every wanted job, and leases held at
   * its start belong to an earlier run of it (killed, or still stopping), taken over at once.
   */
  solo: boolean;
  /** Called when a renewal finds a lease gone: the job's runner must stop at once. */
  onLost?: (jobId: string) => void;
}

/**
 * This instance's share of the jobs: heartbeats, claims free or expired job leases up to a fair share of
 * the wanted jobs (ceil(wanted / live instances)), renews what it holds every TTL/3, names the surplus
 * to hand over when instances join, and releases everything on a graceful stop.
 */
export class JobLeases {
  private readonly held = new Map<string, HeldLease>();
  private readonly fences = new Map<string, Fence>();
  private readonly known = new Set<string>();
  private readonly abort = new AbortController();
  private renewing: Promise<void> | null = null;
  private started = false;

  constructor(private readonly opts: JobLeasesOptions) {}

  get instanceId(): string {
    return this.opts.identity.id;
  }

  async start(): Promise<void> {
    // One machine: instances listed besides this one are earlier runs of it. Several: a killed instance's
    // row stays listed as silent for a day, then goes, so restarts do not grow the table without end.
    if (this.opts.solo) await forgetOtherInstances(this.opts.db, this.instanceId);
    else await forgetSilentInstances(this.opts.db, SILENT_INSTANCE_KEPT_MS);
    await heartbeat(this.opts.db, this.opts.identity);
    const { clock, ttlMs } = this.opts;
    this.renewing = runPeriodically({
      clock,
      intervalMs: Math.max(50, Math.floor(ttlMs / 3)),
      signal: this.abort.signal,
      tick: () => this.renew(),
      activity: "lease renewal",
      say: (m) => console.warn(`[tidemark] ${m}`),
    });
  }

  holds(jobId: string): boolean {
    return this.held.has(jobId);
  }

  fence(jobId: string): Fence {
    const lease = this.held.get(jobId);
    if (!lease) throw new Error(`job ${jobId}: no lease held`);
    const fence = leaseFence(this.instanceId, lease);
    this.fences.set(jobId, fence);
    return fence;
  }

  /**
   * Claims leases of wanted jobs up to this instance's fair share. Returns the held jobs above that share
   * (to hand over at their next batch boundary: stop the runner, then release).
   */
  async balance(wanted: string[]): Promise<{ surplus: string[] }> {
    const { db, ttlMs, solo } = this.opts;
    const missing = wanted.filter((id) => !this.known.has(id));
    if (missing.length > 0) {
      await ensureLeases(db, missing.map(jobLeaseName));
      for (const id of missing) this.known.add(id);
    }
    const live = solo ? 1 : Math.max(1, (await liveInstanceIds(db, ttlMs)).length);
    const share = Math.ceil(wanted.length / live);
    const wantedSet = new Set(wanted);
    const heldWanted = [...this.held.keys()].filter((id) => wantedSet.has(id)).sort();
    if (heldWanted.length < share) {
      const candidates = wanted.filter((id) => !this.held.has(id)).map(jobLeaseName);
      const steal = solo && !this.started;
      for (const lease of await claimLeases(db, this.instanceId, candidates, share - heldWanted.length, ttlMs, steal)) {
        const jobId = jobIdOfLease(lease.name);
        if (jobId) this.held.set(jobId, lease);
      }
    }
    this.started = true;
    return { surplus: heldWanted.length > share ? heldWanted.slice(share) : [] };
  }

  /** Gives a job's lease back (its runner has stopped). */
  async release(jobId: string): Promise<void> {
    const lease = this.held.get(jobId);
    if (!lease) return;
    this.held.delete(jobId);
    this.fences.delete(jobId);
    await releaseLease(this.opts.db, this.instanceId, lease);
  }

  /** Forgets jobs that no longer exist; their lease rows go with them. */
  async forgetAllBut(jobIds: Set<string>): Promise<void> {
    const gone = [...this.known].filter((id) => !jobIds.has(id));
    if (gone.length === 0) return;
    for (const id of gone) {
      this.known.delete(id);
      this.held.delete(id);
      this.fences.delete(id);
    }
    await dropLeases(this.opts.db, gone.map(jobLeaseName));
  }

  /** Releases every lease and leaves the cluster; call after the runners have stopped. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.renewing;
    for (const jobId of [...this.held.keys()]) await this.release(jobId).catch(() => {});
    await removeInstance(this.opts.db, this.instanceId).catch(() => {});
  }

  private async renew(): Promise<void> {
    const { db, ttlMs } = this.opts;
    await heartbeat(db, this.opts.identity);
    for (const [jobId, lease] of [...this.held]) {
      if (await renewLease(db, this.instanceId, lease, ttlMs)) continue;
      this.held.delete(jobId);
      const fence = this.fences.get(jobId);
      if (fence) fence.lost = true;
      this.fences.delete(jobId);
      console.warn(`[tidemark] job ${jobId}: lease ${lease.name} (epoch ${lease.epoch}) taken by another instance; its runner stops`);
      this.opts.onLost?.(jobId);
    }
  }
}
