import { route } from "@/lib/server/http/route";
import { openApiDocument } from "@/lib/server/openapi/openapi-document";

// GET /api/openapi.json — the OpenAPI 3.1 description of this API; public: it holds the API's shape only, no data
// (routes are described in lib/server/openapi/paths-*.ts; a route missing there fails openapi-document.test.ts)
export const GET = route(async () => openApiDocument(), { role: "public" });
