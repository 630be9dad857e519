import { route } from "@/lib/server/http/route";
import { listInstanceDtos } from "@/lib/server/services/instances";

// GET /api/instances — every Tidemark instance sharing the database: heartbeat, live or silent, jobs owned
export const GET = route(async ({ ctx }) => listInstanceDtos(ctx));
