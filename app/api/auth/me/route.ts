import type { MeDto } from "@/lib/contracts/auth";
import { authConfigured } from "@/lib/server/env";
import { route } from "@/lib/server/http/route";

// GET /api/auth/me — the access mode and who this request is signed in as (user null when nobody)
export const GET = route(
  async (_req, _params, principal): Promise<MeDto> => ({
    mode: authConfigured() ? "authenticated" : "local",
    user: principal.kind === "anonymous" ? null : { name: principal.name, role: principal.role, kind: principal.kind },
  }),
  { role: "public" },
);
