/**
 * The cluster's Tidemark instances and who owns each job: zod schemas whose output types are the DTOs
 * (server and browser) and which the OpenAPI document shows as responses.
 */
import { z } from "zod";

/** The instance holding a job's lease. A lease is live while its expiry is ahead of the database clock. */
export const jobOwnerSchema = z
  .strictObject({
    instanceId: z.string(),
    host: z.string().nullable().meta({ description: "null: the instance is no longer listed (stopped, or silent for long)" }),
    live: z.boolean().meta({ description: "The lease has not expired: the instance renews it while it runs the job" }),
    epoch: z.number().int().meta({ description: "Raised by every new owner; the owner's writes check it" }),
  })
  .meta({ description: "The instance that runs the job; null when no instance holds its lease (stopped, or not yet taken)" });
export type JobOwnerDto = z.output<typeof jobOwnerSchema>;

const instanceSchema = z.strictObject({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  version: z.string().meta({ description: "Tidemark's version on that instance" }),
  startedAt: z.iso.datetime(),
  heartbeatAt: z.iso.datetime().meta({ description: "Last heartbeat, on the database clock" }),
  live: z.boolean().meta({ description: "Heartbeat within the lease TTL; a silent instance's jobs are taken over after the TTL" }),
  jobs: z.array(z.strictObject({ id: z.string(), name: z.string(), epoch: z.number().int() })).meta({ description: "Jobs whose live lease this instance holds" }),
});
export type InstanceDto = z.output<typeof instanceSchema>;

export const instancesSchema = z.strictObject({
  asOf: z.iso.datetime().meta({ description: "The database clock when answered: heartbeat ages are measured against it" }),
  leaseTtlMs: z.number().int().meta({ description: "TIDEMARK_LEASE_TTL_MS: leases and heartbeats older than this are not live" }),
  instances: z.array(instanceSchema),
});
export type InstancesDto = z.output<typeof instancesSchema>;
