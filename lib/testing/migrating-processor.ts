import { z } from "zod";
import type { Processor } from "@/lib/server/processors/processor";

/** A processor named "totals" that only has migrations, for the processor-migration tests (SQLite and PostgreSQL). */
export const migratingProcessor = (migrations: Processor["migrations"], tables = ["totals", "totals_delta"]): Processor => ({
  name: "totals",
  description: "t",
  configSchema: z.object({}),
  process: async () => {},
  tables,
  migrations,
});
