import { z } from "zod";
import type { JsonSchema, ProcessorDto } from "@/lib/contracts/processors";
import { listProcessors, type RegisteredProcessor } from "../processors/registry";

/** Every processor the server has: built-ins, then the processors folder's. */
export function listProcessorDtos(): ProcessorDto[] {
  return listProcessors().map(toProcessorDto);
}

function toProcessorDto({ processor, source, configJsonSchema }: RegisteredProcessor): ProcessorDto {
  return {
    name: processor.name,
    description: processor.description,
    source,
    // A folder processor's schema was described by its own zod at load; a built-in's by this one.
    configSchema: (configJsonSchema ?? z.toJSONSchema(processor.configSchema, { io: "input", unrepresentable: "any" })) as JsonSchema,
    results: processor.results ? { columns: processor.results.columns.map(({ key, label, numeric }) => ({ key, label, ...(numeric ? { numeric } : {}) })) } : null,
    reprocessing: processor.reprocessing ?? "unknown",
    supports: { clear: typeof processor.clear === "function", rollback: typeof processor.rollback === "function" },
  };
}
