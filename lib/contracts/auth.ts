import { z } from "zod";
import { roles } from "@/lib/domain/roles";

const userName = z.string({ error: "name is required" }).regex(/^[a-z0-9._-]{1,64}$/, "name must be 1 to 64 characters of a-z, 0-9, '.', '_' or '-'");
const password = z.string({ error: "password is required" }).min(8, "password must have at least 8 characters").max(200, "password must have at most 200 characters");
const role = z.enum(roles, { error: `role must be one of: ${roles.join(", ")}` });

export const loginSchema = z.strictObject({ name: z.string({ error: "name is required" }).min(1).max(64), password: z.string({ error: "password is required" }).min(1).max(200) });
export const createUserSchema = z.strictObject({ name: userName, password, role });
export const updateUserSchema = z
  .strictObject({ role: role.optional(), password: password.optional(), disabled: z.boolean({ error: "disabled must be true or false" }).optional() })
  .refine((v) => Object.keys(v).length > 0, "give at least one of role, password, disabled");
export const createTokenSchema = z.strictObject({
  name: z.string({ error: "name is required" }).min(1, "name is required").max(100, "name must be at most 100 characters"),
  role,
});
/** Request bodies as the browser sends them. */
export type LoginInput = z.input<typeof loginSchema>;
export type CreateUserInput = z.input<typeof createUserSchema>;
export type UpdateUserInput = z.input<typeof updateUserSchema>;
export type CreateTokenInput = z.input<typeof createTokenSchema>;
export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: "limit must be a number" }).int().min(1, "limit must be at least 1").max(500, "limit must be at most 500").default(100),
  before: z.coerce.number({ error: "before must be an event id" }).int().positive().optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(200).optional(),
});

export type Role = (typeof roles)[number];

export interface MeDto {
  mode: "local" | "authenticated";
  user: { name: string; role: Role; kind: "local" | "user" | "token" } | null;
}

export interface UserDto {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  disabled: boolean;
}

export interface ApiTokenDto {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** One entry of GET /api/audit. */
export interface AuditEventDto {
  id: number;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

/** Returned once, when a token is created: the only time the secret is shown. */
export interface CreatedApiTokenDto extends ApiTokenDto {
  token: string;
}
