// A PrismaClient on PostgreSQL through Prisma's pg driver adapter.
//
// Prisma generates one client per provider (its query compiler is built per database), so PostgreSQL has
// its own, generated from prisma/postgresql/schema.prisma into ./generated-postgresql. The models are the
// same as SQLite's (the schema is generated from prisma/schema.prisma), so it is typed as the SQLite
// client that every store is written against.
//
// No `server-only` import here: plain tsx scripts and Vitest import this too.
import crypto from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import type { PoolClient } from "pg";
import type { Prisma, PrismaClient } from "./generated/client";
import { PrismaClient as PostgresPrismaClient } from "./generated-postgresql/client";

export function createPostgresPrismaClient(connectionString: string, opts: { poolSize: number; idleInTransactionTimeoutMs?: number }): PrismaClient {
  const options = opts.idleInTransactionTimeoutMs ? `-c idle_in_transaction_session_timeout=${Math.round(opts.idleInTransactionTimeoutMs)}` : undefined;
  const adapter = withBulkStatements(new PrismaPg({ connectionString, max: opts.poolSize, ...(options ? { options } : {}) }));
  const client = new PostgresPrismaClient({ adapter });
  return client as unknown as PrismaClient;
}

/**
 * Runs `work` with the transaction's own pg connection, inside `tx`'s transaction: for bulk writes that
 * Prisma's raw queries make slow (they carry every parameter value through Prisma's query compiler) or
 * cannot express at all (COPY FROM STDIN). `work` reaches the connection through a marker statement
 * that the adapter (withBulkStatements) recognises; it must use the connection only until it resolves.
 * An error from `work` (pg's, with its SQLSTATE `code`) is rethrown as it is; the transaction is then
 * aborted and rolls back.
 */
export async function onPostgresConnection<T>(tx: Prisma.TransactionClient, work: (connection: PoolClient) => Promise<T>): Promise<T> {
  const id = crypto.randomUUID();
  const job: PendingWork = { work, done: false };
  pending.set(id, job);
  try {
    await tx.$executeRawUnsafe(`${MARKER}${id} */ SELECT 1`);
  } catch (error) {
    throw job.failure ?? error;
  } finally {
    pending.delete(id);
  }
  if (!job.done) throw new Error("the transaction's pg connection was not reached (a Prisma client without withBulkStatements?)");
  return job.result as T;
}

/** One statement with (large array) parameters on the transaction's own pg connection. Returns the rows affected. */
export function executeOnPostgresConnection(tx: Prisma.TransactionClient, text: string, values: unknown[]): Promise<number> {
  return onPostgresConnection(tx, async (connection) => (await connection.query(text, values)).rowCount ?? 0);
}

const MARKER = "/* tidemark:bulk ";
interface PendingWork {
  work: (connection: PoolClient) => Promise<unknown>;
  done: boolean;
  result?: unknown;
  failure?: unknown;
}
const pending = new Map<string, PendingWork>();

function withBulkStatements(inner: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await inner.connect();
      const startTransaction = adapter.startTransaction.bind(adapter);
      return Object.assign(adapter, {
        async startTransaction(isolationLevel?: Parameters<SqlDriverAdapter["startTransaction"]>[0]): Promise<Transaction> {
          const tx = await startTransaction(isolationLevel);
          const connection = (tx as unknown as { client: PoolClient }).client;
          const executeRaw = tx.executeRaw.bind(tx);
          tx.executeRaw = async (query: SqlQuery) => {
            if (!query.sql.startsWith(MARKER)) return executeRaw(query);
            const job = pending.get(query.sql.slice(MARKER.length, MARKER.length + 36));
            if (!job) throw new Error("bulk work not found (run it through onPostgresConnection)");
            try {
              job.result = await job.work(connection);
              job.done = true;
            } catch (error) {
              job.failure = error;
              throw error;
            }
            return 0;
          };
          return tx;
        },
      });
    },
  };
}
