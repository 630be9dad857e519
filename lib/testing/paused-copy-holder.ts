/**
 * A runtime's database session caught in the middle of a batch commit (lib/server/cluster/paused-owner.test.ts):
 * the runtime's own client, the job's fence checked (its lease row locked), a COPY FROM STDIN begun and
 * never finished. Prints "ready" and waits; the test then SIGSTOPs it.
 * Env: DATABASE_URL, LEASE_TTL_MS, OWNER, LEASE_NAME, LEASE_EPOCH.
 */
import { from as copyFrom } from "pg-copy-streams";
import { leaseFence } from "@/lib/server/cluster/fence";
import { onPostgresConnection } from "@/lib/server/db/postgres-client";
import { createRuntimePrismaClient } from "@/lib/server/runtime/runtime-database";

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const db = createRuntimePrismaClient(env("DATABASE_URL"), Number(env("LEASE_TTL_MS")));
  await db.$transaction(
    async (tx) => {
      await leaseFence(env("OWNER"), { name: env("LEASE_NAME"), epoch: Number(env("LEASE_EPOCH")) }).check(tx);
      await onPostgresConnection(tx, async (connection) => {
        const copy = connection.query(copyFrom(`COPY "Lease" ("name") FROM STDIN`));
        copy.write("an unfinished row");
        process.stdout.write("ready\n");
        await new Promise(() => {});
      });
    },
    { timeout: 600_000, maxWait: 10_000 },
  );
}

void main();
