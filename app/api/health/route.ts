import { route } from "@/lib/server/http/route";
import { env } from "@/lib/server/env";
import { checkHealth } from "@/lib/server/services/health";

// GET /api/health — database and Kafka reachability
export const GET = route(
  async ({ principal, ctx }) => {
    // Anonymous callers (load balancers) learn the status, not the broker addresses.
    const health = await checkHealth(ctx.db, ctx.log, principal.kind === "anonymous" ? [] : env().KAFKA_BROKERS);
    return Response.json(health, { status: health.status === "ok" ? 200 : 503 });
  },
  { role: "public" },
);
