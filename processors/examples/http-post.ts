// A processor with a deliver phase: POSTs each batch's records as JSON to an HTTP endpoint, then
// records the delivery in its own table. deliver runs before the batch's transaction opens, so a slow
// endpoint holds up no other job; it is at-least-once (a batch that fails to commit is posted again),
// so the receiver should de-duplicate on the records' topic/partition/offset. Copy it into the
// processors folder to use it.
import { z } from "zod";
import { defineProcessor } from "tidemark/processor";

export default defineProcessor({
  name: "http-post",
  description: "POSTs each batch's records as a JSON array to an HTTP endpoint (at-least-once)",
  configSchema: z.strictObject({
    url: z.url().describe("Where to POST, e.g. https://example.com/ingest"),
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000).describe("How long one POST may take"),
  }),
  tables: ["http_post_batches"],
  migrations: [
    {
      id: "001-create",
      sql: `CREATE TABLE http_post_batches ("jobId" TEXT NOT NULL, "batchId" INTEGER NOT NULL, "records" INTEGER NOT NULL,
              "status" INTEGER NOT NULL, "postedAt" INTEGER NOT NULL, PRIMARY KEY ("jobId", "batchId"))`,
    },
  ],
  reprocessing: "sent-again",

  async deliver({ records, config, batchId }) {
    if (records.length === 0) return;
    const body = records.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: new Date(r.timestamp).toISOString(),
      key: r.key?.toString("utf8") ?? null,
      value: r.value?.toString("utf8") ?? null,
    }));
    const response = await fetch(config.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-tidemark-batch": String(batchId) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    // A refusal fails the batch: the runtime retries it (the job's maxAttempts), then fails the job.
    if (!response.ok) throw new Error(`POST ${config.url} answered ${response.status}`);
  },

  // Runs in the batch's transaction, after deliver succeeded: only database writes here.
  async process({ jobId, batchId, records }, tx) {
    if (records.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO http_post_batches ("jobId", "batchId", "records", "status", "postedAt") VALUES (?, ?, ?, 200, ?)
       ON CONFLICT ("jobId", "batchId") DO UPDATE SET "records" = excluded."records", "postedAt" = excluded."postedAt"`,
      jobId, batchId, records.length, Date.now(),
    );
  },

  async clear(jobId, tx) {
    await tx.$executeRawUnsafe(`DELETE FROM http_post_batches WHERE "jobId" = ?`, jobId);
  },

  results: {
    columns: [
      { key: "batchId", label: "Batch", numeric: true },
      { key: "records", label: "Records posted", numeric: true },
      { key: "postedAt", label: "Posted at" },
    ],
    async query(db, jobId, { limit, offset }) {
      const rows = await db.$queryRawUnsafe<{ batchId: number | bigint; records: number | bigint; postedAt: number | bigint }[]>(
        `SELECT "batchId", "records", "postedAt" FROM http_post_batches WHERE "jobId" = ? ORDER BY "batchId" DESC LIMIT ? OFFSET ?`,
        jobId, limit, offset,
      );
      return rows.map((r) => ({ batchId: Number(r.batchId), records: Number(r.records), postedAt: new Date(Number(r.postedAt)).toISOString() }));
    },
  },
});
