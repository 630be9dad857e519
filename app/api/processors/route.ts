import { route } from "@/lib/server/http/route";
import { listProcessorDtos } from "@/lib/server/services/processors";

// GET /api/processors — built-in and processors-folder processors: name, description, config JSON Schema, result columns
export const GET = route(async () => ({ items: listProcessorDtos(), next: null }));
