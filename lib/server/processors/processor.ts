import type { z } from "zod";
import type { KafkaRecord } from "@/lib/domain/types";
import type { ProcessorName } from "@/lib/contracts/jobs";
import type { Tx } from "../stores/tx";

export interface ProcessorBatch<Config> {
  jobId: string;
  batchId: number;
  /** Records of the batch's ranges, in offset order per partition. */
  records: KafkaRecord[];
  config: Config;
}

/**
 * A processor turns one batch of records into writes. It writes only through `tx`, the
 * transaction that also moves the job's offsets: so its results and the offsets commit together.
 * It should aggregate in memory and issue few statements per batch.
 */
export interface Processor<Config = unknown> {
  name: ProcessorName;
  description: string;
  configSchema: z.ZodType<Config>;
  process(batch: ProcessorBatch<Config>, tx: Tx): Promise<void>;
  /** Removes everything the processor stored for a job (job deleted). */
  clear(jobId: string, tx: Tx): Promise<void>;
}
