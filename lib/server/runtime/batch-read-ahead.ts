import type { OffsetRange } from "@/lib/domain/types";
import type { FoldedAhead } from "./batch-executor";

/**
 * The next batch, planned and folded while the previous one commits, so that reading (Kafka, decoding,
 * the fold's staging) and committing (the database) overlap during a backlog. The records go straight
 * into the processor's fold, as a batch read live does: nothing waits as decoded records (V8 would
 * copy and promote them). Nothing of it is written: the runner takes it only if its plan still starts
 * at the committed offsets (plannedAheadStillHolds), records the plan then, and gives the fold the
 * batch's id for its commit; otherwise it is dropped. It holds one batch slot until taken or dropped.
 * A read that fails, or a fold that refuses a record, is dropped too: the batch then reads live and
 * meets the problem itself, if it lasts.
 */
export class ReadAhead {
  private readonly abort = new AbortController();
  private readonly result: Promise<FoldedAhead | null>;
  private releaseSlot: (() => void) | null;

  constructor(
    plan: () => Promise<OffsetRange[] | null>,
    fold: (planned: OffsetRange[], signal: AbortSignal) => Promise<FoldedAhead | null>,
    parent: AbortSignal,
    releaseSlot: () => void,
  ) {
    this.releaseSlot = releaseSlot;
    const onParentAbort = () => this.abort.abort(parent.reason);
    parent.addEventListener("abort", onParentAbort, { once: true });
    this.result = (async () => {
      const planned = await plan();
      if (!planned || this.abort.signal.aborted) return null;
      return fold(planned, this.abort.signal);
    })()
      .catch(() => null)
      .finally(() => parent.removeEventListener("abort", onParentAbort));
  }

  /** Waits for the read to end; null when it planned nothing or failed. Frees its slot: the taker's batch holds one. */
  async take(): Promise<FoldedAhead | null> {
    const result = await this.result;
    this.free();
    return this.abort.signal.aborted ? null : result;
  }

  /** Stops reading and lets go of the fold and the slot. */
  drop(): void {
    this.abort.abort();
    void this.result.finally(() => this.free());
  }

  private free(): void {
    this.releaseSlot?.();
    this.releaseSlot = null;
  }
}
