import { updateUserSchema } from "@/lib/contracts/auth";
import { readJson, route } from "@/lib/server/http/route";
import { updateUser } from "@/lib/server/services/auth";

// PATCH /api/users/:id — change a user's role or password, or disable them (admin); signs them out
export const PATCH = route<{ id: string }>(async ({ req, params, principal, ctx }) => updateUser(ctx.db, principal, params.id, await readJson(req, updateUserSchema)), {
  role: "admin",
});
