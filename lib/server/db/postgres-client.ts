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

export function createPostgresPrismaClient(connectionString: string, opts: { poolSize: number }): PrismaClient {
  const adapter = withBulkStatements(new PrismaPg({ connectionString, max: opts.poolSize }));
  const client = new PostgresPrismaClient({ adapter });
  return client as unknown as PrismaClient;
}

/**
 * Runs one statement with large array parameters on the transaction's own pg connection, inside
 * `tx`'s transaction. Prisma's raw queries carry every parameter value through its query compiler, which
 * for a batch of stored records (hundreds of thousands of strings) costs far more than the insert; pg
 * sends them as they are. The statement reaches the connection through a marker statement that the
 * adapter (withBulkStatements) recognises. Returns the rows affected.
 */
export async function executeOnPostgresConnection(tx: Prisma.TransactionClient, text: string, values: unknown[]): Promise<number> {
  const id = crypto.randomUUID();
  pending.set(id, { text, values });
  try {
    return await tx.$executeRawUnsafe(`${MARKER}${id} */ SELECT 1`);
  } finally {
    pending.delete(id);
  }
}

const MARKER = "/* tidemark:bulk ";
const pending = new Map<string, { text: string; values: unknown[] }>();

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
            const statement = pending.get(query.sql.slice(MARKER.length, MARKER.length + 36));
            if (!statement) throw new Error("bulk statement not found (run it through executeOnPostgresConnection)");
            return (await connection.query(statement.text, statement.values)).rowCount ?? 0;
          };
          return tx;
        },
      });
    },
  };
}
