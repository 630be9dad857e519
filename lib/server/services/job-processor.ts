import { AppError } from "../http/app-error";
import type { Processor } from "../processors/processor";
import { getProcessor, hasProcessor } from "../processors/registry";

/** The processor a job runs; PROCESSOR_NOT_LOADED when it is not loaded (its file left the processors folder). */
export function jobProcessor(job: { processor: string }): Processor<unknown> {
  if (!hasProcessor(job.processor)) throw new AppError("PROCESSOR_NOT_LOADED", `processor '${job.processor}' is not loaded (is its file still in the processors folder?)`);
  return getProcessor(job.processor);
}
