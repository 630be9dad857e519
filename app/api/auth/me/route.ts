import type { MeDto } from "@/lib/contracts/auth";
import { authMode } from "@/lib/server/auth/auth-mode";
import { route } from "@/lib/server/http/route";
import { web } from "@/lib/server/web-context";

// GET /api/auth/me — the access mode and who this request is signed in as (user null when nobody)
export const GET = route(
  async (_req, _params, principal): Promise<MeDto> => ({
    mode: await authMode(web().db),
    user: principal.kind === "anonymous" ? null : { name: principal.name, role: principal.role, kind: principal.kind },
  }),
  { role: "public" },
);
