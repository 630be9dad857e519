import { route } from "@/lib/server/http/route";
import { env } from "@/lib/server/env";
import { checkHealth } from "@/lib/server/services/health";
import { web } from "@/lib/server/web-context";

// GET /api/health — database and Kafka reachability
export const GET = route(
  async (_req, _params, principal) => {
    const { db, kafkaLog } = web();
    // Anonymous callers (load balancers) learn the status, not the broker addresses.
    const health = await checkHealth(db, kafkaLog, principal.kind === "anonymous" ? [] : env().KAFKA_BROKERS);
    return Response.json(health, { status: health.status === "ok" ? 200 : 503 });
  },
  { role: "public" },
);
