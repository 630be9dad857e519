import { z } from "zod";
import { route } from "@/lib/server/http/route";
import { jobBatch } from "@/lib/server/lag/batch-series-service";
import { requireJob } from "@/lib/server/services/jobs";

const batchIdSchema = z.coerce.number({ error: "batch id must be a number" }).int().positive("batch id must be a positive number");

// GET /api/jobs/:id/batches/:batchId — one batch: offset ranges per partition, records, timings, error
export const GET = route<{ id: string; batchId: string }>(async ({ params, ctx }) => jobBatch(ctx.db, await requireJob(ctx.db, params.id), batchIdSchema.parse(params.batchId)));
