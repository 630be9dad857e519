import { createPrismaClient, type PrismaClient } from "../db/client";

/**
 * The runtime's database client. On PostgreSQL a paused runtime's transaction idle past its leases' TTL
 * is ended by the server; one stalled in the middle of a statement is ended by the next claimer
 * (lease-store.ts, endStalledHolders).
 */
export function createRuntimePrismaClient(databaseUrl: string, leaseTtlMs: number, opts: { autoCheckpoint?: boolean } = {}): PrismaClient {
  // SQLite: a bigger page cache than its 2 MB makes store-records insert ~15% faster (BENCHMARKS.md).
  return createPrismaClient(databaseUrl, { busyTimeoutMs: 30_000, cacheSizeMb: 16, idleInTransactionTimeoutMs: leaseTtlMs, ...opts });
}
