/** Who may do what: each role can do everything the roles before it can. */
export const roles = ["viewer", "operator", "admin"] as const;
export type Role = (typeof roles)[number];

export function roleAtLeast(role: Role, required: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(required);
}

/** Reading needs a viewer, any change an operator; routes may ask for more (users and tokens: admin). */
export function requiredRoleForMethod(method: string): Role {
  return method === "GET" || method === "HEAD" || method === "OPTIONS" ? "viewer" : "operator";
}
