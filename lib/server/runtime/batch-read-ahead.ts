import type { KafkaLog } from "@/lib/domain/ports";
import type { KafkaRecord, OffsetRange } from "@/lib/domain/types";

/**
 * Where a batch's records come from: reads `planned` (up to the batch's byte budget), handing records
 * over in chunks, and resolves with the ranges as read.
 */
export type RecordSource = (planned: OffsetRange[], onRecords: (records: KafkaRecord[]) => void, signal: AbortSignal) => Promise<OffsetRange[]>;

/** The live source: the Kafka log itself. */
export function kafkaSource(log: KafkaLog, maxBytes: number): RecordSource {
  return (planned, onRecords, signal) => log.readRanges(planned, onRecords, signal, { maxBytes });
}

/** What a read-ahead planned and read. */
export interface ReadAheadResult {
  planned: OffsetRange[];
  /** A source that hands over the records read, as often as the batch reads them (a fold may fail and read again). */
  source: RecordSource;
}

/**
 * The next batch, planned and read while the previous one commits, so that reading (Kafka, decoding)
 * and committing (the database) overlap during a backlog. Nothing of it is written: the runner takes it
 * only if its plan still starts at the committed offsets (plannedAheadStillHolds), records the plan
 * then, and runs the batch from the records held here; otherwise it is dropped. It holds one batch
 * slot (its records are in memory) until taken or dropped. A read that fails is dropped too: the
 * batch then reads live and meets the error itself, if it lasts.
 */
export class ReadAhead {
  private readonly abort = new AbortController();
  private readonly result: Promise<ReadAheadResult | null>;
  private releaseSlot: (() => void) | null;

  constructor(
    plan: () => Promise<OffsetRange[] | null>,
    source: RecordSource,
    parent: AbortSignal,
    releaseSlot: () => void,
  ) {
    this.releaseSlot = releaseSlot;
    const onParentAbort = () => this.abort.abort(parent.reason);
    parent.addEventListener("abort", onParentAbort, { once: true });
    this.result = (async () => {
      const planned = await plan();
      if (!planned || this.abort.signal.aborted) return null;
      const chunks: KafkaRecord[][] = [];
      const asRead = await source(planned, (records) => void (records.length > 0 && chunks.push(records)), this.abort.signal);
      return { planned, source: replay(planned, chunks, asRead) };
    })()
      .catch(() => null)
      .finally(() => parent.removeEventListener("abort", onParentAbort));
  }

  /** Waits for the read to end; null when it planned nothing or failed. Frees its slot: the taker's batch holds one. */
  async take(): Promise<ReadAheadResult | null> {
    const result = await this.result;
    this.free();
    return this.abort.signal.aborted ? null : result;
  }

  /** Stops reading and lets go of the records and the slot. */
  drop(): void {
    this.abort.abort();
    void this.result.finally(() => this.free());
  }

  private free(): void {
    this.releaseSlot?.();
    this.releaseSlot = null;
  }
}

/** Hands over the chunks read ahead; only for the very ranges that were read. */
function replay(planned: OffsetRange[], chunks: KafkaRecord[][], asRead: OffsetRange[]): RecordSource {
  const key = JSON.stringify(planned);
  return async (ranges, onRecords) => {
    if (JSON.stringify(ranges) !== key) throw new Error("a batch asked the records read ahead for other ranges than were read");
    for (const chunk of chunks) onRecords(chunk);
    return asRead;
  };
}
