import { z } from "zod";
import { route } from "@/lib/server/http/route";
import { jobBatch } from "@/lib/server/lag/lag-service";
import { requireJob } from "@/lib/server/services/jobs";
import { web } from "@/lib/server/web-context";

const batchIdSchema = z.coerce.number({ error: "batch id must be a number" }).int().positive("batch id must be a positive number");

// GET /api/jobs/:id/batches/:batchId — one batch: offset ranges per partition, records, timings, error
export const GET = route<{ id: string; batchId: string }>(async (_req, { id, batchId }) => {
  const db = web().db;
  return jobBatch(db, await requireJob(db, id), batchIdSchema.parse(batchId));
});
