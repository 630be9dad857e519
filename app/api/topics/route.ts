import { route } from "@/lib/server/http/route";
import { listTopics } from "@/lib/server/services/topics";
import { web } from "@/lib/server/web-context";

// GET /api/topics — topics in the cluster with partition and record counts
export const GET = route(async () => ({ items: await listTopics(web().kafkaLog), next: null }));
