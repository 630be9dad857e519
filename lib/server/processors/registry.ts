import type { ProcessorName } from "@/lib/contracts/jobs";
import { countByKey } from "./count-by-key";
import type { Processor } from "./processor";

const processors: Record<ProcessorName, Processor<never>> = {
  "count-by-key": countByKey as Processor<never>,
};

export function getProcessor(name: string): Processor<unknown> {
  const processor = processors[name as ProcessorName];
  if (!processor) throw new Error(`unknown processor '${name}'`);
  return processor as Processor<unknown>;
}
