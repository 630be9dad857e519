import { expect, test } from "@playwright/test";
import { createTopic, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { serverBrokers } from "./support";

let topic: string;

test.beforeAll(async ({ request }) => {
  topic = uniqueTopicName("e2e-api");
  await createTopic(await serverBrokers(request), topic, 2);
});

const valid = () => ({ name: `api-${Date.now().toString(36)}`, topics: [topic], processor: "count-by-key" });

const badDefinitions: { why: string; body: () => unknown; status: number; code: string; message: RegExp }[] = [
  { why: "bad name", body: () => ({ ...valid(), name: "Has Spaces" }), status: 400, code: "VALIDATION_FAILED", message: /name must be 1 to 64/ },
  { why: "name too long", body: () => ({ ...valid(), name: "a".repeat(65) }), status: 400, code: "VALIDATION_FAILED", message: /name/ },
  { why: "unknown topic", body: () => ({ ...valid(), topics: ["no-such-topic-here"] }), status: 422, code: "UNKNOWN_TOPIC", message: /unknown topic: no-such-topic-here/ },
  { why: "no topics", body: () => ({ ...valid(), topics: [] }), status: 400, code: "VALIDATION_FAILED", message: /at least one topic/ },
  { why: "interval too small", body: () => ({ ...valid(), batchIntervalMs: 99 }), status: 400, code: "VALIDATION_FAILED", message: /at least 100/ },
  { why: "interval too large", body: () => ({ ...valid(), batchIntervalMs: 3_600_001 }), status: 400, code: "VALIDATION_FAILED", message: /at most 3,600,000/ },
  { why: "interval of the wrong type", body: () => ({ ...valid(), batchIntervalMs: "2000" }), status: 400, code: "VALIDATION_FAILED", message: /batchIntervalMs must be a number/ },
  { why: "topics of the wrong type", body: () => ({ ...valid(), topics: "orders" }), status: 400, code: "VALIDATION_FAILED", message: /topics must be a list/ },
  { why: "unknown processor", body: () => ({ ...valid(), processor: "sum" }), status: 400, code: "VALIDATION_FAILED", message: /processor must be one of/ },
  { why: "unknown field", body: () => ({ ...valid(), extra: 1 }), status: 400, code: "VALIDATION_FAILED", message: /extra/ },
  { why: "bad startingOffsets", body: () => ({ ...valid(), startingOffsets: "middle" }), status: 400, code: "VALIDATION_FAILED", message: /earliest' or 'latest/ },
  { why: "body is an array", body: () => [valid()], status: 400, code: "VALIDATION_FAILED", message: /object/i },
];

for (const bad of badDefinitions) {
  test(`POST /api/jobs rejects ${bad.why} and creates nothing`, async ({ request }) => {
    const before = (await (await request.get("/api/jobs")).json()).items.length;
    const response = await request.post("/api/jobs", { data: bad.body() });
    expect(response.status()).toBe(bad.status);
    const body = await response.json();
    expect(body.error.code).toBe(bad.code);
    expect(body.error.message).toMatch(bad.message);
    expect((await (await request.get("/api/jobs")).json()).items.length).toBe(before);
  });
}

test("POST /api/jobs rejects a non-JSON body", async ({ request }) => {
  const before = (await (await request.get("/api/jobs")).json()).items.length;
  const response = await request.post("/api/jobs", { data: Buffer.from("name=x&topics=y"), headers: { "content-type": "application/json" } });
  expect(response.status()).toBe(400);
  expect((await response.json()).error).toMatchObject({ code: "INVALID_JSON", message: "request body is not valid JSON" });
  expect((await (await request.get("/api/jobs")).json()).items.length).toBe(before);
});

test("POST /api/jobs rejects a duplicate name with 409 and keeps the first job", async ({ request }) => {
  const body = valid();
  const created = await request.post("/api/jobs", { data: body });
  expect(created.status()).toBe(201);
  const first = await created.json();
  const duplicate = await request.post("/api/jobs", { data: { ...body, batchIntervalMs: 5000 } });
  expect(duplicate.status()).toBe(409);
  expect((await duplicate.json()).error).toMatchObject({ code: "JOB_NAME_TAKEN" });
  const stored = await (await request.get(`/api/jobs/${body.name}`)).json();
  expect(stored).toMatchObject({ id: first.id, batchIntervalMs: 2000 });
});

test("job endpoints answer 404 with a code for an unknown job, and the documented shapes otherwise", async ({ request }) => {
  for (const path of ["/api/jobs/nope", "/api/jobs/nope/partitions", "/api/jobs/nope/batches", "/api/jobs/nope/results"]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(404);
    expect((await response.json()).error.code).toBe("JOB_NOT_FOUND");
  }
  const body = valid();
  const job = await (await request.post("/api/jobs", { data: body })).json();
  const byId = await (await request.get(`/api/jobs/${job.id}`)).json();
  expect(byId.name).toBe(body.name);
  const partitions = await (await request.get(`/api/jobs/${body.name}/partitions`)).json();
  expect(partitions).toEqual({
    items: [0, 1].map((partition) => ({ topic, partition, committedOffset: null, logStartOffset: 0, logEndOffset: 0, lag: 0 })),
    next: null,
  });
  const badLimit = await request.get(`/api/jobs/${body.name}/batches?limit=0`);
  expect(badLimit.status()).toBe(400);
  const health = await (await request.get("/api/health")).json();
  expect(health).toMatchObject({ status: "ok", db: { ok: true }, kafka: { ok: true } });
  expect(await (await request.delete(`/api/jobs/${job.id}`)).status()).toBe(204);
  expect((await request.get(`/api/jobs/${job.id}`)).status()).toBe(404);
});
