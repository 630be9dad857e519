// PrismaClient factory for Tidemark's database: SQLite (better-sqlite3 driver adapter) or, for a
// postgresql:// URL, PostgreSQL (pg driver adapter, see postgres-client.ts).
//
// One PrismaClient holds ONE SQLite connection: a long interactive transaction blocks every other query on
// that client. Give the job runtime its own client and let the web layer read through another; WAL mode
// (set by applyMigrations) lets readers proceed while a batch commits.
//
// No `server-only` import here: plain tsx scripts and Vitest import this too.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type Database from "better-sqlite3";
import { PrismaClient } from "./generated/client";
import { databaseKind } from "./database-url";
import { createPostgresPrismaClient } from "./postgres-client";
import { serializedAdapterFactory } from "./serialized-adapter";

// Re-exports PrismaClient, the Prisma namespace (Prisma.JobCreateInput, Prisma.TransactionClient, errors…), model types.
export * from "./generated/client";

export type CreatePrismaClientOptions = {
  /** SQLite busy_timeout: how long a write waits for another connection's lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** SQLite page cache of the connection, in MB (SQLite's default is 2 MB). */
  cacheSizeMb?: number;
  /** SQLite: false leaves the WAL's checkpoints to another thread (WalCheckpointer); default true. */
  autoCheckpoint?: boolean;
  /** PostgreSQL: connections this client may open (its pool's size). Default 5. */
  poolSize?: number;
  /**
   * PostgreSQL: a session idle inside a transaction for this long is ended by the server, its locks
   * released (a paused runtime must not hold a lease row past its TTL). Unset: no limit.
   */
  idleInTransactionTimeoutMs?: number;
};

/**
 * A PrismaClient on `databaseUrl` (`file:./data/tidemark.db` style, relative paths resolve against
 * process.cwd(); or `postgresql://…`). Call `migrateDatabase(databaseUrl)` first.
 */
export function createPrismaClient(databaseUrl: string, opts: CreatePrismaClientOptions = {}): PrismaClient {
  if (databaseKind(databaseUrl) === "postgresql") return createPostgresPrismaClient(databaseUrl, { poolSize: opts.poolSize ?? 5, idleInTransactionTimeoutMs: opts.idleInTransactionTimeoutMs });
  const holder: { client?: PrismaClient } = {};
  const adapter = serializedAdapterFactory(new PrismaBetterSqlite3({ url: databaseUrl, timeout: opts.busyTimeoutMs ?? 5000 }), (connection) => {
    if (opts.cacheSizeMb) connection.pragma(`cache_size = -${Math.round(opts.cacheSizeMb * 1024)}`);
    if (opts.autoCheckpoint === false) connection.pragma("wal_autocheckpoint = 0");
    if (holder.client) connections.set(holder.client, connection);
  });
  holder.client = new PrismaClient({ adapter });
  return holder.client;
}

const connections = new WeakMap<object, Database.Database>();

/**
 * The better-sqlite3 connection under a client made by createPrismaClient, once it has connected
 * (after its first query); null otherwise. Statements on it run inside the client's open
 * transaction, so use it only from within `$transaction`, for bulk writes Prisma would make slow.
 */
export function sqliteConnection(client: object): Database.Database | null {
  return connections.get(client) ?? null;
}
