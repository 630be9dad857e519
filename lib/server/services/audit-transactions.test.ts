import { beforeAll, describe, expect, it } from "vitest";
import type { KafkaLog } from "@/lib/domain/ports";
import { createJobSchema } from "@/lib/contracts/jobs";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { sqliteConnection } from "../db/client";
import { createToken, createUser, revokeToken, updateUser } from "./auth";
import { createJob, removeJob, startJob, stopJob, updateJob } from "./jobs";

/** Users and tokens exist only with sign-in on: an admin signed in makes them. */
const ADMIN = { kind: "user" as const, name: "admin", role: "admin" as const, actor: "user:admin", owner: "user:admin" };
/** Just enough Kafka for the job service: one topic, no offsets. */
const log = { topicNames: async () => ["t"], logOffsets: async () => [] } as unknown as KafkaLog;

/**
 * A change and its audit entry commit together: with the audit table refusing inserts, no change
 * may remain. (Written one after the other, the change would stay and go unaudited.)
 */
describe("changes and their audit entries share one transaction", () => {
  const db = tempDatabaseForTests();
  const deps = () => ({ db, log, actor: "local" });
  const auditDown = async (down: boolean) => {
    await db.$executeRawUnsafe(down ? `CREATE TRIGGER audit_down BEFORE INSERT ON "AuditEvent" BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END` : `DROP TRIGGER audit_down`);
  };
  const refused = (work: Promise<unknown>) => expect(work).rejects.toThrow(/auditEvent\.create|audit log unavailable/);

  beforeAll(async () => {
    await createJob(deps(), createJobSchema.parse({ name: "kept", topics: ["t"], processor: "count-by-key" }));
    await createUser(db, ADMIN, { name: "ann", password: "ann-password-1", role: "viewer" });
    await auditDown(true);
    expect(sqliteConnection(db)).not.toBeNull();
  });

  it("jobs: create, update, start, stop, delete", async () => {
    await refused(createJob(deps(), createJobSchema.parse({ name: "unaudited", topics: ["t"], processor: "count-by-key" })));
    expect(await db.job.count({ where: { name: "unaudited" } })).toBe(0);
    await refused(updateJob(deps(), "kept", { batchIntervalMs: 9000 }));
    await refused(startJob(deps(), "kept"));
    expect(await db.job.findUnique({ where: { name: "kept" } })).toMatchObject({ batchIntervalMs: 2000, desiredState: "stopped" });
    await auditDown(false);
    await startJob(deps(), "kept");
    await auditDown(true);
    await refused(stopJob(deps(), "kept"));
    expect(await db.job.findUnique({ where: { name: "kept" } })).toMatchObject({ desiredState: "running" });
    await auditDown(false);
    await stopJob(deps(), "kept");
    await db.job.update({ where: { name: "kept" }, data: { status: "stopped" } }); // as the runtime would report
    await auditDown(true);
    await refused(removeJob(deps(), "kept"));
    expect(await db.job.count({ where: { name: "kept" } })).toBe(1);
  });

  it("users: create and update", async () => {
    await refused(createUser(db, ADMIN, { name: "bob", password: "bob-password-1", role: "viewer" }));
    expect(await db.user.count({ where: { name: "bob" } })).toBe(0);
    await refused(updateUser(db, ADMIN, "ann", { role: "admin" }));
    expect(await db.user.findUnique({ where: { name: "ann" } })).toMatchObject({ role: "viewer" });
  });

  it("tokens: create and revoke", async () => {
    await refused(createToken(db, ADMIN, { name: "ci", role: "operator" }));
    expect(await db.apiToken.count()).toBe(0);
    await auditDown(false);
    const { id } = await createToken(db, ADMIN, { name: "ci", role: "operator" });
    await auditDown(true);
    await refused(revokeToken(db, ADMIN, id));
    expect(await db.apiToken.findUnique({ where: { id } })).toMatchObject({ revokedAt: null });
  });
});
