import { route } from "@/lib/server/http/route";
import { listTopics } from "@/lib/server/services/topics";

// GET /api/topics — topics in the cluster with partition and record counts
export const GET = route(async ({ ctx }) => ({ items: await listTopics(ctx.log), next: null }));
