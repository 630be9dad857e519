import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordsQuerySchema, type DecodablePayloadDto } from "@/lib/contracts/records";
import { findFreePort } from "@/scripts/kafka/broker";
import { createTopic, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { caughtUp, jobRow } from "@/lib/testing/runtime-helpers";
import { SCHEMA_REGISTRY_START_TIMEOUT_MS, startTestSchemaRegistry, type TestSchemaRegistry } from "@/lib/testing/schema-registry";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { RuntimeHost } from "../runtime/runtime-host";
import { listJobDeadLetters } from "../services/job-history";
import { browseRecords } from "../services/records";
import { insertJob, setDesiredState } from "../stores/job-store";

const run = promisify(execFile);

// The records' bytes are written by hand from the Avro, Protobuf and Confluent wire format specs, so
// the decoder under test is checked against the formats, not against the library it uses.
const zigzag = (n: bigint) => (n << 1n) ^ (n >> 63n);
function varint(n: bigint): Buffer {
  const out: number[] = [];
  do {
    const low = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? low | 0x80 : low);
  } while (n > 0n);
  return Buffer.from(out);
}
const avroString = (s: string) => Buffer.concat([varint(zigzag(BigInt(Buffer.byteLength(s)))), Buffer.from(s)]);
const avroLong = (n: bigint) => varint(zigzag(n));
const protoBytes = (field: number, b: Buffer) => Buffer.concat([varint(BigInt((field << 3) | 2)), varint(BigInt(b.length)), b]);
const protoString = (field: number, s: string) => protoBytes(field, Buffer.from(s));
const protoVarint = (field: number, n: bigint) => Buffer.concat([varint(BigInt(field << 3)), varint(n)]);
function wire(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

const ORDER_AVRO = { type: "record", name: "Order", namespace: "shop", fields: [{ name: "customer", type: "string" }, { name: "region", type: "string" }, { name: "qty", type: "long" }] };
const ORDER_PROTO = 'syntax = "proto3";\npackage shop;\nimport "money.proto";\nmessage Note { string text = 1; message Inner { int32 n = 1; } }\nmessage Order { string customer = 1; string region = 2; int64 qty = 3; shop.Money price = 4; }\n';
const MONEY_PROTO = 'syntax = "proto3";\npackage shop;\nmessage Money { string currency = 1; int64 cents = 2; }\n';
const UNKNOWN_SCHEMA_ID = 987_654;

describe("Schema Registry decoding against a real registry (Apicurio, Confluent-compatible API)", () => {
  const source = uniqueTopicName("sr-orders");
  const target = uniqueTopicName("sr-orders-eu");
  const database = createTempDatabase();
  const db = database.client();
  const log = new KafkajsLog(createKafka(testBrokers(), "schema-registry-int-test"));
  let registry: TestSchemaRegistry;
  let host: RuntimeHost;
  const ids = { avroKey: 0, avro: 0, proto: 0, json: 0 };

  beforeAll(async () => {
    registry = await startTestSchemaRegistry();
    process.env.SCHEMA_REGISTRY_URL = registry.url;
    ids.avroKey = await registry.register(`${source}-key`, { schema: JSON.stringify("string") });
    ids.avro = await registry.register(`${source}-value`, { schema: JSON.stringify(ORDER_AVRO) });
    await registry.register(`${source}-money`, { schemaType: "PROTOBUF", schema: MONEY_PROTO });
    ids.proto = await registry.register(`${source}-proto-value`, {
      schemaType: "PROTOBUF",
      schema: ORDER_PROTO,
      references: [{ name: "money.proto", subject: `${source}-money`, version: 1 }],
    });
    ids.json = await registry.register(`${source}-json-value`, { schemaType: "JSON", schema: JSON.stringify({ type: "object", properties: { region: { type: "string" } } }) });

    await createTopic(testBrokers(), source, 1);
    await createTopic(testBrokers(), target, 1);
    const avroOrder = (customer: string, region: string, qty: bigint) => wire(ids.avro, Buffer.concat([avroString(customer), avroString(region), avroLong(qty)]));
    const messages = [
      // 0: Avro key and value
      { key: wire(ids.avroKey, avroString("k-1")), value: avroOrder("c1", "eu", 3n) },
      // 1: Protobuf, the file's second message (indexes [1]), with a field of a referenced schema
      {
        key: "k-2",
        value: wire(ids.proto, Buffer.concat([varint(zigzag(1n)), varint(zigzag(1n)), protoString(1, "c2"), protoString(2, "us"), protoVarint(3, 7n), protoBytes(4, Buffer.concat([protoString(1, "EUR"), protoVarint(2, 1250n)]))])),
      },
      // 2: JSON Schema
      { key: "k-3", value: wire(ids.json, Buffer.from(JSON.stringify({ customer: "c3", region: "eu", qty: 5 }))) },
      // 3: plain JSON, no registry involved
      { key: "k-4", value: Buffer.from(JSON.stringify({ customer: "c4", region: "eu" })) },
      // 4: a schema id the registry does not have
      { key: "k-5", value: wire(UNKNOWN_SCHEMA_ID, Buffer.from([1, 2, 3])) },
      // 5: Avro bytes cut short
      { key: "k-6", value: avroOrder("c6", "eu", 1n).subarray(0, 9) },
      // 6: decodes, but is no JSON object: forward's own error
      { key: "k-7", value: wire(ids.json, Buffer.from('"just text"')) },
      // 7: a long beyond 2^53 stays exact (as a string)
      { key: "k-8", value: avroOrder("c8", "eu", 2n ** 60n) },
      // 8: Protobuf, a nested message (indexes [0, 0]: Note.Inner)
      { key: "k-9", value: wire(ids.proto, Buffer.concat([varint(zigzag(2n)), varint(zigzag(0n)), varint(zigzag(0n)), protoVarint(1, 42n)])) },
    ];
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic: source, messages: messages.map((m) => ({ ...m, partition: 0 })) });
    await producer.disconnect();
    host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "schema-registry-int-test", reconcileIntervalMs: 100 });
    await host.start();
  }, SCHEMA_REGISTRY_START_TIMEOUT_MS);

  afterAll(async () => {
    delete process.env.SCHEMA_REGISTRY_URL;
    await host?.stop();
    await log.close();
    await db.$disconnect();
    database.remove();
    await registry?.close();
  });

  const decodedJson = (p: DecodablePayloadDto) => (p.decoded && "json" in p.decoded ? JSON.parse(p.decoded.json) : undefined);

  it("the message browser shows Avro, Protobuf and JSON Schema records decoded, and says why others are not", async () => {
    const page = await browseRecords(log, { topic: source, partition: 0, ...recordsQuerySchema.parse({ limit: "20" }) });
    const [avro, proto, json, plain, unknown, cut, , big, nested] = page.items;
    expect(avro.key.decoded).toMatchObject({ schemaId: ids.avroKey, format: "avro", json: '"k-1"' });
    expect(avro.value.decoded).toMatchObject({ schemaId: ids.avro, format: "avro", truncated: false });
    expect(decodedJson(avro.value)).toEqual({ customer: "c1", region: "eu", qty: 3 });
    expect(avro.value.encoding).toBe("hex"); // the raw bytes stay available
    expect(proto.value.decoded).toMatchObject({ schemaId: ids.proto, format: "protobuf" });
    expect(decodedJson(proto.value)).toEqual({ customer: "c2", region: "us", qty: 7, price: { currency: "EUR", cents: 1250 } });
    expect(proto.key.decoded).toBeUndefined();
    expect(decodedJson(json.value)).toEqual({ customer: "c3", region: "eu", qty: 5 });
    expect(plain.value.decoded).toBeUndefined();
    expect(unknown.value.decoded).toMatchObject({ schemaId: UNKNOWN_SCHEMA_ID, error: { code: "SCHEMA_NOT_FOUND" } });
    expect(cut.value.decoded).toMatchObject({ schemaId: ids.avro, error: { code: "SCHEMA_DECODE_FAILED" } });
    expect(decodedJson(big.value)).toEqual({ customer: "c8", region: "eu", qty: "1152921504606846976" });
    expect(decodedJson(nested.value)).toEqual({ n: 42 });
  });

  it("forward filters and re-keys on decoded fields; undecodable records go to the dead letters, shown decoded", async () => {
    const job = await insertJob(db, {
      name: "sr-forward",
      topics: [source],
      processor: "forward",
      batchIntervalMs: 200,
      startingOffsets: "earliest",
      onError: "skip",
      processorConfig: { topic: target, filter: { field: "region", equals: "eu" }, keyField: "customer" },
    });
    await setDesiredState(db, job.id, "running");
    await waitFor(() => caughtUp(db, host.log, job.id, [source]), "the job to read the topic", 60_000);
    expect((await jobRow(db, job.id)).status).toBe("running");

    // kcat reads the target: Avro, JSON Schema and plain JSON orders in "eu", keyed by customer, bytes unchanged.
    const { stdout } = await run("kcat", ["-C", "-b", testBrokers().join(","), "-t", target, "-e", "-o", "beginning", "-q", "-J"]);
    const forwarded = stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line) as { key: string; payload: string });
    expect(forwarded.map((r) => r.key)).toEqual(["c1", "c3", "c4", "c8"]);

    const letters = await listJobDeadLetters(db, job.id, { limit: 10 });
    const byOffset = new Map(letters.items.map((d) => [d.offset, d]));
    expect([...byOffset.keys()].sort()).toEqual([4, 5, 6]);
    expect(byOffset.get(4)).toMatchObject({ error: expect.stringContaining("SCHEMA_NOT_FOUND"), valueDecoded: { error: { code: "SCHEMA_NOT_FOUND" } } });
    expect(byOffset.get(5)).toMatchObject({ error: expect.stringContaining("SCHEMA_DECODE_FAILED"), valueDecoded: { error: { code: "SCHEMA_DECODE_FAILED" } } });
    expect(byOffset.get(6)).toMatchObject({ error: "value is not a JSON object", valueDecoded: { schemaId: ids.json, format: "json", json: '"just text"' } });
    expect(byOffset.get(6)?.keyDecoded).toBeUndefined();
  });

  it("an unreachable registry fails forward's batch (retried, then the job fails): nothing is dead-lettered or skipped", async () => {
    const topic = uniqueTopicName("sr-unreachable");
    await createTopic(testBrokers(), topic, 1);
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ partition: 0, key: "k", value: wire(ids.avro, Buffer.concat([avroString("c9"), avroString("eu"), avroLong(1n)])) }] });
    await producer.disconnect();
    // Nothing listens there; the job's runtime reads the setting when the batch runs.
    process.env.SCHEMA_REGISTRY_URL = `http://127.0.0.1:${await findFreePort()}/apis/ccompat/v7`;
    try {
      const job = await insertJob(db, {
        name: "sr-unreachable",
        topics: [topic],
        processor: "forward",
        batchIntervalMs: 200,
        startingOffsets: "earliest",
        onError: "skip",
        maxAttempts: 2,
        retryBackoffMs: 50,
        processorConfig: { topic: target, filter: { field: "region", equals: "eu" } },
      });
      await setDesiredState(db, job.id, "running");
      await waitFor(async () => (await jobRow(db, job.id)).status === "failed", "the job to fail", 60_000);
      expect((await jobRow(db, job.id)).statusMessage).toContain("SCHEMA_REGISTRY_UNAVAILABLE");
      expect((await listJobDeadLetters(db, job.id, { limit: 10 })).items).toEqual([]);
      expect(await caughtUp(db, host.log, job.id, [topic])).toBe(false);
    } finally {
      process.env.SCHEMA_REGISTRY_URL = registry.url;
    }
  });

  it("sends SCHEMA_REGISTRY_USERNAME/PASSWORD as basic auth (registry behind an authenticating proxy)", async () => {
    // Apicurio 2.x checks credentials only through an OpenID Connect server, which is not available
    // here: a proxy that demands basic auth stands in front of the real registry instead.
    const expected = `Basic ${Buffer.from("tm:s3cret").toString("base64")}`;
    const proxy = http.createServer((req, res) => {
      if (req.headers.authorization !== expected) return void res.writeHead(401, { "content-type": "application/json" }).end('{"error_code":401,"message":"Unauthorized"}');
      void fetch(`${registry.url}${req.url}`).then(async (answer) => res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text()));
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const browseFirst = async (env: Record<string, string>) => {
      Object.assign(process.env, env);
      try {
        return (await browseRecords(log, { topic: source, partition: 0, ...recordsQuerySchema.parse({ limit: "1" }) })).items[0];
      } finally {
        for (const name of Object.keys(env)) delete process.env[name];
        process.env.SCHEMA_REGISTRY_URL = registry.url;
      }
    };
    try {
      const allowed = await browseFirst({ SCHEMA_REGISTRY_URL: proxyUrl, SCHEMA_REGISTRY_USERNAME: "tm", SCHEMA_REGISTRY_PASSWORD: "s3cret" });
      expect(decodedJson(allowed.value)).toEqual({ customer: "c1", region: "eu", qty: 3 });
      const refused = await browseFirst({ SCHEMA_REGISTRY_URL: proxyUrl, SCHEMA_REGISTRY_USERNAME: "tm", SCHEMA_REGISTRY_PASSWORD: "wrong" });
      expect(refused.value.decoded).toMatchObject({ error: { code: "SCHEMA_REGISTRY_UNAVAILABLE", message: expect.stringContaining("401") } });
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("asks the registry once per schema id (and reference), shared by records and later reads; an unknown id is not asked again at once", async () => {
    // A proxy that counts what reaches the real registry.
    const asked: string[] = [];
    const proxy = http.createServer((req, res) => {
      asked.push(req.url!);
      void fetch(`${registry.url}${req.url}`).then(async (answer) => res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text()));
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    process.env.SCHEMA_REGISTRY_URL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const browseAll = async () => (await browseRecords(log, { topic: source, partition: 0, ...recordsQuerySchema.parse({ limit: "20" }) })).items;
      const first = await browseAll();
      // Avro value id in three records, the Protobuf id in two: each id once, the Protobuf file's reference once.
      const byId = (id: number) => asked.filter((u) => u === `/schemas/ids/${id}`).length;
      expect([ids.avroKey, ids.avro, ids.proto, ids.json, UNKNOWN_SCHEMA_ID].map(byId)).toEqual([1, 1, 1, 1, 1]);
      expect(asked.filter((u) => u.startsWith("/subjects/"))).toEqual([`/subjects/${encodeURIComponent(`${source}-money`)}/versions/1`]);
      expect(asked).toHaveLength(6);

      const again = await browseAll();
      expect(asked).toHaveLength(6);
      expect(again.map((r) => r.value.decoded)).toEqual(first.map((r) => r.value.decoded));
      expect(decodedJson(again[0].value)).toEqual({ customer: "c1", region: "eu", qty: 3 });
      expect(again[4].value.decoded).toMatchObject({ error: { code: "SCHEMA_NOT_FOUND" } });
    } finally {
      process.env.SCHEMA_REGISTRY_URL = registry.url;
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
