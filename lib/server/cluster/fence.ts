import type { Db, Tx } from "../stores/tx";
import { fenceCheck, LeaseLostError, type HeldLease } from "./lease-store";

/**
 * What a runner's writes prove before they count: that the job's lease is still this runner's, checked
 * inside the write's own transaction (lease-store.ts fenceCheck). A runner whose lease moved on writes
 * nothing more.
 */
export interface Fence {
  check(tx: Tx): Promise<void>;
  /** The lease epoch writes are made under; null when unfenced. */
  readonly epoch: number | null;
  /** Set when a renewal found the lease gone (writes are refused anyway; effects outside the database check this). */
  lost: boolean;
}

/** No lease to prove: a runner driven directly (tests, tools), never by a cluster's coordinator. */
export const UNFENCED: Fence = Object.freeze({ check: async () => {}, epoch: null, lost: false });

export function leaseFence(owner: string, lease: HeldLease): Fence {
  return { check: (tx) => fenceCheck(tx, owner, lease), epoch: lease.epoch, lost: false };
}

/** Runs `write` in a transaction that first proves the lease (unfenced: as it is). */
export function fencedWrite<T>(db: Db, fence: Fence, write: (tx: Db | Tx) => Promise<T>): Promise<T> {
  if (fence === UNFENCED) return write(db);
  return db.$transaction(async (tx) => {
    await fence.check(tx);
    return write(tx);
  });
}

export { LeaseLostError };
