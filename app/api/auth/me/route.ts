import type { MeDto } from "@/lib/contracts/auth";
import { authMode } from "@/lib/server/auth/auth-mode";
import { route } from "@/lib/server/http/route";

// GET /api/auth/me — the access mode and who this request is signed in as (user null when nobody)
export const GET = route(
  async ({ principal, ctx }): Promise<MeDto> => ({
    mode: await authMode(ctx.db),
    user: principal.kind === "anonymous" ? null : { name: principal.name, role: principal.role, kind: principal.kind },
  }),
  { role: "public" },
);
