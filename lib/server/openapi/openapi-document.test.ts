/**
 * The OpenAPI document: valid OpenAPI 3.1 by a real validator (@readme/openapi-parser), and complete: every
 * route file under app/api with every method it exports, found by walking the file tree, is described, nothing
 * else is, and every error code is in it.
 */
import fs from "node:fs";
import path from "node:path";
import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { GET as auditRoute } from "@/app/api/audit/route";
import { GET as openApiRoute } from "@/app/api/openapi.json/route";
import { errorCodes } from "@/lib/contracts/errors";
import { jobDtoSchema } from "@/lib/contracts/jobs";
import { lagEvaluationSchema, lagSeriesSchema } from "@/lib/contracts/lag";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { SESSION_COOKIE } from "../auth/authenticate";
import { errorDocs } from "./error-docs";
import { openApiDocument } from "./openapi-document";
import { jsonSchema, operation } from "./operation";

const API_DIR = path.join(import.meta.dirname, "../../../app/api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/** Every route file as "METHOD /api/path/{param}", from the file tree and each file's exports. */
function routesInTree(dir = API_DIR, urlPath = "/api"): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // [id] → {id}, [...rest] → {rest}; (group) folders add no segment.
      const segment = /^\(.*\)$/.test(entry.name) ? "" : `/${entry.name.replace(/^\[(?:\.\.\.)?(\w+)\]$/, "{$1}")}`;
      out.push(...routesInTree(full, urlPath + segment));
    } else if (/^route\.(ts|tsx|js)$/.test(entry.name)) {
      const source = fs.readFileSync(full, "utf8");
      const exported = [...source.matchAll(/export\s+(?:const|let|async\s+function|function)\s+([A-Z]+)\b/g)].map((m) => m[1]);
      for (const list of source.matchAll(/export\s*\{([^}]*)\}/g)) exported.push(...list[1].split(",").map((name) => name.trim().split(/\s+as\s+/).at(-1)!));
      const methods = exported.filter((m) => METHODS.includes(m));
      expect(methods, `${full} exports no HTTP method`).not.toEqual([]);
      for (const method of methods) out.push(`${method} ${urlPath}`);
    }
  }
  return out.sort();
}

const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }> }>> };
const described = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`)).sort();

describe("OpenAPI document", () => {
  it("is valid OpenAPI 3.1 (@readme/openapi-parser)", { timeout: 30_000 }, async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, JSON.stringify(result, null, 2).slice(0, 4000)).toBe(true);
    expect(result.specification).toBe("OpenAPI");
    expect(doc).toMatchObject({ openapi: "3.1.0" });
  });

  it("describes every route under app/api with each method it exports, and nothing else", () => {
    const routes = routesInTree();
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((r) => !described.includes(r));
    const stale = described.filter((r) => !routes.includes(r));
    // Describe a new route in lib/server/openapi/paths-<domain>.ts (its zod schemas, role and error codes).
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it("documents every error code, and every code an operation names has its status", () => {
    const schema = JSON.stringify((doc as unknown as { components: { schemas: { Error: unknown } } }).components.schemas.Error);
    for (const code of Object.keys(errorCodes) as (keyof typeof errorCodes)[]) {
      expect(schema, code).toContain(`"const":"${code}"`);
      expect(errorDocs[code], `${code} needs a description in lib/server/openapi/error-docs.ts`).toEqual(expect.any(String));
    }
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(op.responses)) {
          for (const code of Object.keys(response.content?.["application/json"]?.examples ?? {})) {
            expect(String(errorCodes[code as keyof typeof errorCodes]), `${m} ${p}: ${code}`).toBe(status);
          }
        }
      }
    }
  });

  it("a route whose answer has a zod schema gets it as the response schema (a list's items too)", () => {
    const item = z.strictObject({ id: z.string(), lag: z.number().nullable() });
    const one = operation("get", "/api/things/{id}", { summary: "one", returns: "A thing", response: item }) as { responses: Record<string, unknown> };
    const list = operation("get", "/api/things", { summary: "all", returns: "Things", list: true, response: item }) as { responses: Record<string, unknown> };
    const schemaOf = (op: { responses: Record<string, unknown> }) => (op.responses["200"] as { content: Record<string, { schema: unknown }> }).content["application/json"].schema;
    const itemSchema = { type: "object", properties: { id: { type: "string" }, lag: { type: ["number", "null"] } }, required: ["id", "lag"], additionalProperties: false };
    expect(schemaOf(one)).toEqual(itemSchema);
    expect(schemaOf(list)).toEqual({ allOf: [{ $ref: "#/components/schemas/List" }, { properties: { items: { type: "array", items: itemSchema } } }] });
  });

  it("answers of the job and lag endpoints are their contracts' schemas, not words only", () => {
    const schemaAt = (p: string, m: string, status = "200") =>
      (doc.paths[p][m].responses[status].content as Record<string, { schema: unknown }>)["application/json"].schema;
    const job = jsonSchema(jobDtoSchema, "output");
    expect(job).toMatchObject({ type: "object", additionalProperties: false, required: expect.arrayContaining(["id", "status", "batchLimits", "totalLag"]) });
    for (const [p, m, status] of [["/api/jobs/{id}", "get"], ["/api/jobs/{id}", "patch"], ["/api/jobs", "post", "201"], ["/api/jobs/{id}/start", "post"], ["/api/jobs/{id}/stop", "post"]]) {
      expect(schemaAt(p, m, status), `${m} ${p}`).toEqual(job);
    }
    expect(schemaAt("/api/jobs", "get")).toMatchObject({ allOf: [{ $ref: "#/components/schemas/List" }, { properties: { items: { items: job } } }] });
    expect(schemaAt("/api/jobs/{id}/lag", "get")).toEqual(jsonSchema(lagSeriesSchema, "output"));
    expect(schemaAt("/api/groups/{group}/lag", "get")).toEqual(jsonSchema(lagSeriesSchema, "output"));
    expect(schemaAt("/api/jobs/{id}/status", "get")).toEqual(jsonSchema(lagEvaluationSchema, "output"));
  });

  it("names the session cookie the server sets", () => {
    expect(JSON.stringify(doc)).toContain(`"name":"${SESSION_COOKIE}"`);
  });
});

describe("GET /api/openapi.json", () => {
  const temp = createTempDatabase();
  const db = temp.client();
  beforeAll(async () => {
    // Authenticated mode (a user exists), asked by nobody: the document is public, other reads are not.
    await db.user.create({ data: { id: "u-admin", name: "admin", role: "admin", passwordHash: "x" } });
    (globalThis as unknown as { tidemarkWeb?: unknown }).tidemarkWeb = { db, kafkaLog: null };
  });
  afterAll(async () => {
    delete (globalThis as unknown as { tidemarkWeb?: unknown }).tidemarkWeb;
    await db.$disconnect();
    temp.remove();
  });

  it("serves the document to anyone; a read such as the audit log still needs sign-in", async () => {
    const call = (handler: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>) =>
      handler(new Request("http://127.0.0.1:3000/api/x", { headers: { host: "127.0.0.1:3000" } }), { params: Promise.resolve({}) });
    const response = await call(openApiRoute);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    expect((await call(auditRoute)).status).toBe(401);
  });
});
