import { createUserSchema } from "@/lib/contracts/auth";
import { readJson, route } from "@/lib/server/http/route";
import { createUser, listUsers } from "@/lib/server/services/auth";

// GET /api/users — every user (admin)
export const GET = route(async ({ ctx }) => ({ items: await listUsers(ctx.db), next: null }), { role: "admin" });

// POST /api/users — create a user with a role (admin)
export const POST = route(async ({ req, principal, ctx }) => createUser(ctx.db, principal, await readJson(req, createUserSchema)), {
  role: "admin",
  status: 201,
});
