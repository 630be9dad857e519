import { renderMetrics } from "@/lib/server/alerts/metrics";
import { env } from "@/lib/server/env";
import { route } from "@/lib/server/http/route";

const metrics = (role: "viewer" | "public") =>
  route(
    async ({ ctx }) => {
      const { contentType, body } = await renderMetrics(ctx.db);
      return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
    },
    { role },
  );

// GET /api/metrics — Prometheus text format; needs a viewer (scrapers send a viewer API token as a bearer token),
// unless TIDEMARK_METRICS_PUBLIC=1
export const GET = (req: Request, ctx: { params: Promise<Record<string, string>> }) => metrics(env().TIDEMARK_METRICS_PUBLIC === "1" ? "public" : "viewer")(req, ctx);
