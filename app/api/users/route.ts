import { createUserSchema } from "@/lib/contracts/auth";
import { readJson, route } from "@/lib/server/http/route";
import { createUser, listUsers } from "@/lib/server/services/auth";
import { web } from "@/lib/server/web-context";

// GET /api/users — every user (admin)
export const GET = route(async () => ({ items: await listUsers(web().db), next: null }), { role: "admin" });

// POST /api/users — create a user with a role (admin)
export const POST = route(async (req, _p, principal) => createUser(web().db, principal, await readJson(req, createUserSchema)), {
  role: "admin",
  status: 201,
});
