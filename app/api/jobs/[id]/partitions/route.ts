import { route } from "@/lib/server/http/route";
import { jobPartitions, requireJob } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

// GET /api/jobs/:id/partitions — per partition: committed offset, log start/end, lag
export const GET = route<{ id: string }>(async (_req, { id }) => {
  const deps = { db: web().db, log: web().kafkaLog };
  return { items: await jobPartitions(deps, await requireJob(deps.db, id)), next: null };
});
