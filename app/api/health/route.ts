import { route } from "@/lib/server/http/route";
import { env } from "@/lib/server/env";
import { checkHealth } from "@/lib/server/services/health";
import { web } from "@/lib/server/web-context";

// GET /api/health — database and Kafka reachability
export const GET = route(async () => {
  const { db, kafkaLog } = web();
  const health = await checkHealth(db, kafkaLog, env().KAFKA_BROKERS);
  return Response.json(health, { status: health.status === "ok" ? 200 : 503 });
});
