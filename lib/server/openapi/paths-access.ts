/** Sign-in, users, API tokens and the audit log (app/api/auth, users, tokens, audit). */
import { auditQuerySchema, createTokenSchema, createUserSchema, loginSchema, updateUserSchema } from "@/lib/contracts/auth";
import type { PathSpecs } from "./operation";

export const accessPaths: PathSpecs = {
  "/api/auth/me": { get: { summary: "The auth mode and who the request is signed in as (user null when nobody)", role: "public", returns: "MeDto" } },
  "/api/auth/login": {
    post: {
      summary: "Sign in with name and password; sets the session cookie",
      role: "public",
      body: loginSchema,
      returns: "`{user: {name, role, kind}}`, with the session cookie",
      errors: ["BAD_CREDENTIALS", "TOO_MANY_ATTEMPTS", "SIGN_IN_OFF"],
    },
  },
  "/api/auth/logout": { post: { summary: "End this session and clear its cookie", role: "viewer", status: 204, returns: "Signed out" } },
  "/api/users": {
    get: { summary: "Every user (admin)", role: "admin", returns: "Users (UserDto)", list: true },
    post: { summary: "Create a user with a role (admin)", role: "admin", body: createUserSchema, status: 201, returns: "The user (UserDto)", errors: ["USER_NAME_TAKEN", "SIGN_IN_OFF"] },
  },
  "/api/users/{id}": {
    patch: {
      summary: "Change a user's role or password, or disable them (admin); signs them out",
      role: "admin",
      body: updateUserSchema,
      returns: "The user (UserDto)",
      errors: ["USER_NOT_FOUND", "LAST_ADMIN"],
    },
  },
  "/api/tokens": {
    get: { summary: "API tokens, without their secrets (admin)", role: "admin", returns: "Tokens (ApiTokenDto)", list: true },
    post: {
      summary: "Create a token with a role; the response holds the secret, shown only this once (admin)",
      role: "admin",
      body: createTokenSchema,
      status: 201,
      returns: "The token with its secret (CreatedApiTokenDto)",
      errors: ["SIGN_IN_OFF"],
    },
  },
  "/api/tokens/{id}": { delete: { summary: "Revoke a token (admin); it stops working at once", role: "admin", returns: "The token (ApiTokenDto)", errors: ["TOKEN_NOT_FOUND"] } },
  "/api/audit": { get: { summary: "The audit log, newest first", query: auditQuerySchema, returns: "Audit events (AuditEventDto)", list: true } },
};
