/**
 * GET /api/openapi.json: the OpenAPI 3.1 description of every route under app/api. Request bodies and
 * query parameters are the zod contracts the routes parse with (converted by zod's own JSON Schema output);
 * routes are described per domain in paths-*.ts. openapi-document.test.ts walks app/api: a route file or
 * method that is not described there fails it.
 */
import { z } from "zod";
import { errorCodes, type ErrorCode } from "@/lib/contracts/errors";
import { errorDocs } from "./error-docs";
import { jsonSchema, operation, type HttpMethod, type PathSpecs } from "./operation";
import { accessPaths } from "./paths-access";
import { alertPaths } from "./paths-alerts";
import { clusterPaths } from "./paths-cluster";
import { jobPaths } from "./paths-jobs";

export const describedPaths: PathSpecs = { ...jobPaths, ...clusterPaths, ...alertPaths, ...accessPaths };

const codes = Object.keys(errorCodes) as ErrorCode[];

/** The error body as route.ts writes it; each code with its status and meaning, where tools show them. */
const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.union(codes.map((code) => z.literal(code).meta({ description: `${errorCodes[code]}: ${errorDocs[code]}` }))).meta({ description: "Stable: UIs and scripts act on it" }),
    message: z.string(),
    details: z.unknown().meta({ description: "null, or what the code documents" }),
  }),
});

const listSchema = z.strictObject({
  items: z.array(z.unknown()),
  next: z.string().nullable().meta({ description: "Cursor of the following page: pass it back as `before` (or `after` for results)" }),
});

function components() {
  return {
    schemas: { Error: jsonSchema(errorBodySchema, "output"), List: jsonSchema(listSchema, "output") },
    examples: Object.fromEntries(codes.map((code) => [code, { summary: errorDocs[code], value: { error: { code, message: errorDocs[code], details: null } } }])),
    securitySchemes: {
      bearerToken: { type: "http", scheme: "bearer", description: "An API token (tmk_…) created by an admin; its role applies." },
      sessionCookie: { type: "apiKey", in: "cookie", name: "tidemark_session", description: "The dashboard's session cookie after POST /api/auth/login." },
    },
  };
}

let cached: Record<string, unknown> | null = null;

export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(describedPaths).sort(([a], [b]) => a.localeCompare(b))) {
    paths[path] = Object.fromEntries(Object.entries(methods).map(([method, spec]) => [method, operation(method as HttpMethod, path, spec!)]));
  }
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Tidemark API",
      version: "1",
      description:
        "Kafka stream jobs whose offsets you own. In local mode no sign-in is needed; in authenticated mode send a session cookie or `Authorization: Bearer <token>`. Reads need `viewer`, changes `operator`, users and tokens `admin` (`x-tidemark-role` on each operation). Lists come as `{items, next}`; errors as `{error: {code, message, details}}`.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: "/" }],
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    paths,
    components: components(),
  };
  return cached;
}
