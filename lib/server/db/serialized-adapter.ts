/**
 * One SQLite connection per PrismaClient, used by one caller at a time.
 *
 * Prisma's better-sqlite3 adapter runs BEGIN … COMMIT on its single connection but lets queries from
 * outside the transaction run on that same connection meanwhile: they then read the transaction's
 * uncommitted rows, and their writes are rolled back with it. With several jobs on one client that
 * would let one job's failed batch undo another job's bookkeeping. This wrapper makes a query outside
 * a transaction wait until the open transaction ends (SQLite serialises writers anyway).
 *
 * Its transactions begin with BEGIN IMMEDIATE, not the adapter's deferred BEGIN. A deferred transaction
 * that reads first cannot take the write lock once another connection (the runtime thread, the alert
 * evaluator) has committed since that read: SQLite answers SQLITE_BUSY at once, without waiting on
 * busy_timeout, and the request fails with a 500. IMMEDIATE takes the lock at BEGIN, waiting as any
 * write does.
 *
 * It also exposes the better-sqlite3 connection itself, for bulk statements inside a transaction
 * (see `sqliteConnection`).
 */
import type Database from "better-sqlite3";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";

class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves with a release function once every earlier holder has released. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

/** Wraps an adapter factory; `onConnect` receives the raw connection once Prisma connects. */
export function serializedAdapterFactory(inner: SqlDriverAdapterFactory, onConnect: (connection: Database.Database) => void): SqlDriverAdapterFactory {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await inner.connect();
      const raw = (adapter as unknown as { client?: Database.Database }).client;
      if (raw) {
        beginImmediately(raw);
        onConnect(raw);
      }
      return serialize(adapter);
    },
  };
}

/** The adapter prepares the literal "BEGIN" to open a transaction: make that one statement IMMEDIATE. */
function beginImmediately(connection: Database.Database): void {
  const prepare = connection.prepare.bind(connection);
  connection.prepare = ((source: string) => prepare(source === "BEGIN" ? "BEGIN IMMEDIATE" : source)) as typeof connection.prepare;
}

function serialize(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const mutex = new Mutex();
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await mutex.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  };
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => exclusive(() => adapter.queryRaw(query)),
    executeRaw: (query) => exclusive(() => adapter.executeRaw(query)),
    executeScript: (script) => exclusive(() => adapter.executeScript(script)),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
    async startTransaction(isolationLevel) {
      const release = await mutex.acquire();
      let tx: Transaction;
      try {
        tx = await adapter.startTransaction(isolationLevel);
      } catch (error) {
        release();
        throw error;
      }
      // The transaction's own queries go straight to it; the lock is held until it ends.
      return Object.assign(Object.create(tx) as Transaction, {
        commit: () => tx.commit().finally(release),
        rollback: () => tx.rollback().finally(release),
      });
    },
  };
}
