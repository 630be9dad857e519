import { expect, test, type APIRequestContext } from "@playwright/test";
import type { BatchDto, KeyCountDto, ListDto, PartitionProgressDto } from "@/lib/contracts/jobs";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { serverBrokers } from "./support";

/**
 * The job read API over HTTP, against records with known counts: batches (shape, newest first,
 * paging to the end), results (key filter, limit, paging), partitions (shape, id or name).
 */

// Records per partition (written with kcat -p, so the split is exact) and per key (all distinct counts,
// so "largest first" has one right order).
const PER_PARTITION = [45, 30, 15];
const KEY_COUNTS: [string, number][] = [["alpha", 40], ["beta", 25], ["gamma", 15], ["delta", 7], ["epsilon", 3]];
const TOTAL = 90;
const CAP = 10; // maxRecordsPerPartition: partition 0 alone needs 5 batches

// The batch fields README.md documents (the set plus failedAt, attempts and recordCap).
const BATCH_FIELDS = ["attempts", "batchTime", "bytes", "error", "failedAt", "id", "jobId", "processingTimeMs", "ranges", "recordCap", "records", "schedulingDelayMs", "status", "totalDelayMs"];

let topic: string;
/** Created and never started. */
let idle: { id: string; name: string };
/** Run to lag 0, then stopped: its batches and results stay as they are for every test. */
let job: { id: string; name: string };

async function getJson<T>(request: APIRequestContext, path: string): Promise<T> {
  const response = await request.get(path);
  expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

async function createJob(request: APIRequestContext, name: string): Promise<{ id: string; name: string }> {
  const created = await request.post("/api/jobs", {
    data: { name, topics: [topic], processor: "count-by-key", batchIntervalMs: 100, maxRecordsPerPartition: CAP },
  });
  expect(created.status()).toBe(201);
  return { id: (await created.json()).id, name };
}

const caughtUp = (): ListDto<PartitionProgressDto> => ({
  items: PER_PARTITION.map((count, partition) => ({ topic, partition, committedOffset: count, logStartOffset: 0, logEndOffset: count, lag: 0 })),
  next: null,
});

test.beforeAll(async ({ request }) => {
  const brokers = await serverBrokers(request);
  topic = uniqueTopicName("e2e-read-api");
  await createTopic(brokers, topic, PER_PARTITION.length);
  const keys = KEY_COUNTS.flatMap(([key, count]) => Array.from({ length: count }, () => key));
  expect(keys).toHaveLength(TOTAL);
  let next = 0;
  for (const [partition, count] of PER_PARTITION.entries()) {
    const lines = keys.slice(next, next + count).map((key, i) => `${key}:{"p":${partition},"i":${i}}`);
    next += count;
    await produceWithKcat(brokers, topic, lines, { partition });
  }
  const suffix = Date.now().toString(36);
  idle = await createJob(request, `read-api-idle-${suffix}`);
  job = await createJob(request, `read-api-${suffix}`);

  // Run the job to lag 0 and stop it.
  expect((await request.post(`/api/jobs/${job.name}/start`)).status()).toBe(200);
  await expect(async () => {
    expect(await getJson(request, `/api/jobs/${job.name}/partitions`)).toEqual(caughtUp());
  }).toPass({ timeout: 60_000 });
  expect((await request.post(`/api/jobs/${job.name}/stop`)).status()).toBe(200);
  await expect(async () => {
    expect((await getJson<{ status: string }>(request, `/api/jobs/${job.name}`)).status).toBe("stopped");
  }).toPass({ timeout: 30_000 });
});

test("GET /api/jobs/:id/partitions by id and by name: per partition offsets and lag, before the first batch and at lag 0", async ({ request }) => {
  const before: ListDto<PartitionProgressDto> = {
    items: PER_PARTITION.map((count, partition) => ({ topic, partition, committedOffset: null, logStartOffset: 0, logEndOffset: count, lag: count })),
    next: null,
  };
  expect(await getJson(request, `/api/jobs/${idle.name}/partitions`)).toEqual(before);
  expect(await getJson(request, `/api/jobs/${idle.id}/partitions`)).toEqual(before);
  expect(await getJson(request, `/api/jobs/${job.name}/partitions`)).toEqual(caughtUp());
  expect(await getJson(request, `/api/jobs/${job.id}/partitions`)).toEqual(caughtUp());
});

test("GET /api/jobs/:id/batches: the documented fields, newest first, every record once", async ({ request }) => {
  const all = await getJson<ListDto<BatchDto>>(request, `/api/jobs/${job.name}/batches?limit=500`);
  expect(all.next).toBeNull();
  const batches = all.items;
  expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(Math.max(...PER_PARTITION) / CAP));

  for (const batch of batches) {
    expect(Object.keys(batch).sort()).toEqual(BATCH_FIELDS);
    expect(batch).toMatchObject({ jobId: job.id, status: "succeeded", error: null, failedAt: null, recordCap: CAP });
    expect(new Date(batch.batchTime).toISOString()).toBe(batch.batchTime);
    expect(batch.attempts).toBeGreaterThanOrEqual(1);
    expect(batch.bytes).toBeGreaterThan(0);
    for (const field of ["schedulingDelayMs", "processingTimeMs", "totalDelayMs"] as const) {
      expect(typeof batch[field], field).toBe("number");
      expect(batch[field]).toBeGreaterThanOrEqual(0);
    }
    for (const range of batch.ranges) {
      expect(Object.keys(range).sort()).toEqual(["fromOffset", "partition", "topic", "untilOffset"]);
      expect(range.topic).toBe(topic);
      expect(range.untilOffset - range.fromOffset).toBeLessThanOrEqual(CAP);
    }
    expect(batch.records).toBe(batch.ranges.reduce((sum, r) => sum + r.untilOffset - r.fromOffset, 0));
  }

  // Newest first: ids strictly falling, batch times never rising.
  for (let i = 1; i < batches.length; i++) {
    expect(batches[i].id).toBeLessThan(batches[i - 1].id);
    expect(Date.parse(batches[i].batchTime)).toBeLessThanOrEqual(Date.parse(batches[i - 1].batchTime));
  }

  // Oldest to newest, each partition's ranges tile [0, records) exactly.
  expect(batches.reduce((sum, b) => sum + b.records, 0)).toBe(TOTAL);
  for (const [partition, count] of PER_PARTITION.entries()) {
    const ranges = batches
      .slice()
      .reverse()
      .flatMap((b) => b.ranges)
      .filter((r) => r.partition === partition && r.untilOffset > r.fromOffset);
    let at = 0;
    for (const r of ranges) {
      expect(r.fromOffset, `partition ${partition}`).toBe(at);
      at = r.untilOffset;
    }
    expect(at, `partition ${partition} ends at its log end`).toBe(count);
  }

  expect(await getJson(request, `/api/jobs/${job.id}/batches?limit=500`)).toEqual(all);
  // The default page size (50) holds them all too.
  expect(await getJson(request, `/api/jobs/${job.name}/batches`)).toEqual(all);
});

test("GET /api/jobs/:id/batches pages with limit and before through to next = null", async ({ request }) => {
  const all = (await getJson<ListDto<BatchDto>>(request, `/api/jobs/${job.name}/batches?limit=500`)).items;
  const limit = 2;
  const pages: BatchDto[][] = [];
  let before: string | null = null;
  do {
    const query: string = before === null ? `limit=${limit}` : `limit=${limit}&before=${before}`;
    const page: ListDto<BatchDto> = await getJson(request, `/api/jobs/${job.name}/batches?${query}`);
    pages.push(page.items);
    const seen = pages.flat().length;
    expect(page.items, `page ${pages.length}`).toEqual(all.slice(seen - page.items.length, seen));
    // A cursor exactly when more batches follow: the last id on this page.
    expect(page.next).toBe(seen < all.length ? String(page.items[page.items.length - 1].id) : null);
    before = page.next;
  } while (before !== null && pages.length <= all.length);
  expect(pages.length).toBe(Math.ceil(all.length / limit));
  expect(pages.length).toBeGreaterThanOrEqual(3);
  expect(pages.flat()).toEqual(all);

  // Before the oldest batch there is nothing; before an id past the newest, everything.
  const oldest = all[all.length - 1].id;
  expect(await getJson(request, `/api/jobs/${job.name}/batches?before=${oldest}`)).toEqual({ items: [], next: null });
  expect(await getJson(request, `/api/jobs/${job.name}/batches?limit=500&before=${all[0].id + 1000}`)).toEqual({ items: all, next: null });
});

const badBatchQueries: { query: string; field: string }[] = [
  { query: "limit=0", field: "limit" },
  { query: "limit=-1", field: "limit" },
  { query: "limit=501", field: "limit" },
  { query: "limit=abc", field: "limit" },
  { query: "limit=2.5", field: "limit" },
  { query: "before=abc", field: "before" },
  { query: "before=0", field: "before" },
  { query: "before=-5", field: "before" },
  { query: "before=1.5", field: "before" },
  { query: "page=2", field: "page" },
];

for (const bad of badBatchQueries) {
  test(`GET /api/jobs/:id/batches?${bad.query} is a 400 naming ${bad.field}`, async ({ request }) => {
    const response = await request.get(`/api/jobs/${job.name}/batches?${bad.query}`);
    expect(response.status()).toBe(400);
    expect(response.headers()["content-type"]).toMatch(/application\/json/);
    const { error } = await response.json();
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toContain(bad.field);
  });
}

test("GET /api/jobs/:id/results: exact counts, largest first, key filter, limit and paging", async ({ request }) => {
  const everything: ListDto<KeyCountDto> = { items: KEY_COUNTS.map(([key, count]) => ({ key, count })), next: null };
  expect(await getJson(request, `/api/jobs/${job.name}/results`)).toEqual(everything);
  expect(await getJson(request, `/api/jobs/${job.id}/results?limit=1000`)).toEqual(everything);

  // limit cuts the ranking; `next` goes back as `after`.
  const first = await getJson<ListDto<KeyCountDto>>(request, `/api/jobs/${job.name}/results?limit=2`);
  expect(first).toEqual({ items: everything.items.slice(0, 2), next: "2" });
  const second = await getJson<ListDto<KeyCountDto>>(request, `/api/jobs/${job.name}/results?limit=2&after=${first.next}`);
  expect(second).toEqual({ items: everything.items.slice(2, 4), next: "4" });
  const last = await getJson<ListDto<KeyCountDto>>(request, `/api/jobs/${job.name}/results?limit=2&after=${second.next}`);
  expect(last).toEqual({ items: everything.items.slice(4), next: null });
  expect(await getJson(request, `/api/jobs/${job.name}/results?limit=5`)).toEqual(everything);

  // key picks one key's count, whatever its rank; an unknown key gives an empty list.
  for (const [key, count] of KEY_COUNTS) {
    expect(await getJson(request, `/api/jobs/${job.name}/results?key=${key}`)).toEqual({ items: [{ key, count }], next: null });
  }
  expect(await getJson(request, `/api/jobs/${job.name}/results?key=zeta`)).toEqual({ items: [], next: null });
  expect(await getJson(request, `/api/jobs/${job.name}/results?key=gamma&limit=1`)).toEqual({ items: [{ key: "gamma", count: 15 }], next: null });

  for (const query of ["limit=0", "limit=1001", "limit=abc", "limit=1.5", "after=abc", "after=-2", "after=1.5", "sort=key"]) {
    const response = await request.get(`/api/jobs/${job.name}/results?${query}`);
    expect(response.status(), query).toBe(400);
    expect((await response.json()).error.code, query).toBe("VALIDATION_FAILED");
  }
});

test("the job page's batch table shows each batch's per-partition cap (≤N/p)", async ({ page }) => {
  await page.goto(`/jobs/${job.name}`);
  const rows = page.getByRole("table", { name: "Batches" }).getByTestId("batch-row");
  await expect(rows.first()).toBeVisible();
  const shown = await rows.count();
  expect(shown).toBeGreaterThanOrEqual(Math.ceil(Math.max(...PER_PARTITION) / CAP));
  // Every batch of this job was planned with maxRecordsPerPartition as its cap.
  await expect(rows.filter({ hasText: `≤${CAP}/p` })).toHaveCount(shown);
  await expect(rows.first().getByTitle("per-partition cap this batch was planned with")).toHaveText(`≤${CAP}/p`);
});
