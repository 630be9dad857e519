import { countByKey } from "./count-by-key";
import { forward } from "./forward";
import type { Processor } from "./processor";
import { storeRecords } from "./store-records";

const processors = new Map<string, Processor<unknown>>();

/** Makes a processor available to jobs by its name. Built-ins are registered below. */
export function registerProcessor<Config>(processor: Processor<Config>): void {
  processors.set(processor.name, processor as Processor<unknown>);
}

registerProcessor(countByKey);
registerProcessor(storeRecords);
registerProcessor(forward);

export function getProcessor(name: string): Processor<unknown> {
  const processor = processors.get(name);
  if (!processor) throw new Error(`unknown processor '${name}'`);
  return processor;
}

export function hasProcessor(name: string): boolean {
  return processors.has(name);
}
