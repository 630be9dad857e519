import { recordsParamsSchema, recordsQuerySchema } from "@/lib/contracts/records";
import { readQuery, route } from "@/lib/server/http/route";
import { browseRecords } from "@/lib/server/services/records";

// GET /api/topics/:topic/partitions/:p/records?offset=|timestamp=&limit= — a page of records, as text or hex
export const GET = route<{ topic: string; partition: string }>(async ({ req, params, ctx }) => {
  const { topic, partition } = recordsParamsSchema.parse(params);
  return browseRecords(ctx.log, { topic, partition, ...readQuery(req, recordsQuerySchema) });
});
