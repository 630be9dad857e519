/**
 * How a route is described for the OpenAPI document: its request schemas are the zod contracts the route
 * parses with (turned into JSON Schema by zod itself), its roles and error codes are stated here.
 */
import { z, type ZodType } from "zod";
import { errorCodes, type ErrorCode } from "@/lib/contracts/errors";
import { requiredRoleForMethod, type Role } from "@/lib/domain/roles";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface OperationSpec {
  /** The route's one-line comment. */
  summary: string;
  description?: string;
  /** Least role; default: viewer for reads, operator for changes (as lib/server/http/route.ts). */
  role?: Role | "public";
  /** The schema the route reads its query with (readQuery). */
  query?: ZodType;
  /** The schema the route reads its JSON body with (readJson). */
  body?: ZodType;
  /** Success status; default 200. */
  status?: number;
  /** What a success returns: in words, and whether it is the list envelope `{items, next}`. */
  returns: string;
  list?: boolean;
  /** The zod schema of a success body (of one item, with `list`), once the DTO has one; else `returns` says it in words. */
  response?: ZodType;
  /** Content type of a success other than JSON (metrics: text). */
  contentType?: string;
  /** Codes this route itself may answer with; the wrapper's own (sign-in, validation, body) are added. */
  errors?: ErrorCode[];
}

export type PathSpecs = Record<string, Partial<Record<HttpMethod, OperationSpec>>>;

/**
 * JSON Schema (2020-12, OpenAPI 3.1's dialect, named once in the document) by zod itself. Requests: the
 * schema's input side, what a client sends (defaults optional, transforms not applied yet).
 */
export function jsonSchema(schema: ZodType, io: "input" | "output" = "input"): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

/** What a path parameter names, by its folder name in app/api. */
const pathParamDocs: Record<string, string> = {
  id: "The id, or the name where names are unique (jobs, alert rules, channels)",
  batchId: "A batch id of the job",
  group: "A consumer group id (URL-encoded)",
  topic: "A topic name",
  partition: "A partition number",
};

/** Codes the route wrapper (lib/server/http/route.ts) adds to every route of this kind. */
function wrapperErrors(method: HttpMethod, path: string, spec: OperationSpec): ErrorCode[] {
  const codes: ErrorCode[] = ["HOST_NOT_ALLOWED", "INTERNAL"];
  const role = spec.role ?? requiredRoleForMethod(method.toUpperCase());
  if (role !== "public") codes.push("UNAUTHENTICATED", "FORBIDDEN");
  if (method !== "get") codes.push("CROSS_ORIGIN", "INVALID_JSON", "PAYLOAD_TOO_LARGE");
  if (spec.query || spec.body || method !== "get" || pathParams(path).length > 0) codes.push("VALIDATION_FAILED");
  return codes;
}

function successSchema(spec: OperationSpec): Record<string, unknown> {
  const body = spec.response ? jsonSchema(spec.response, "output") : { type: "object" };
  if (!spec.list) return body;
  return spec.response ? { allOf: [{ $ref: "#/components/schemas/List" }, { properties: { items: { type: "array", items: body } } }] } : { $ref: "#/components/schemas/List" };
}

/** Success and error responses; errors grouped by status, each naming its codes. */
function responses(method: HttpMethod, path: string, spec: OperationSpec) {
  const out: Record<string, unknown> = {};
  const status = String(spec.status ?? 200);
  if (spec.status === 204) out[status] = { description: spec.returns };
  else if (spec.contentType) out[status] = { description: spec.returns, content: { [spec.contentType]: { schema: { type: "string" } } } };
  else out[status] = { description: spec.returns, content: { "application/json": { schema: successSchema(spec) } } };
  const codes = [...new Set([...(spec.errors ?? []), ...wrapperErrors(method, path, spec)])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(errorCodes[code], [...(byStatus.get(errorCodes[code]) ?? []), code]);
  for (const [errorStatus, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(errorStatus)] = {
      description: list.join(", "),
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, examples: Object.fromEntries(list.map((c) => [c, { $ref: `#/components/examples/${c}` }])) } },
    };
  }
  return out;
}

/** One OpenAPI operation object. */
export function operation(method: HttpMethod, path: string, spec: OperationSpec): Record<string, unknown> {
  const role = spec.role ?? requiredRoleForMethod(method.toUpperCase());
  const parameters: unknown[] = pathParams(path).map((name) => ({ name, in: "path", required: true, description: pathParamDocs[name], schema: { type: "string" } }));
  if (spec.query) {
    const query = jsonSchema(spec.query) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: "query", required: query.required?.includes(name) ?? false, schema });
    }
  }
  return {
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    operationId: `${method}${path.replace(/^\/api/, "").replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
    tags: [path.split("/")[2]],
    "x-tidemark-role": role,
    security: role === "public" ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(spec.body) } } } } : {}),
    responses: responses(method, path, spec),
  };
}
