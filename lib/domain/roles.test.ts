import { describe, expect, it } from "vitest";
import { bindRefusal, isLoopbackHost } from "./bind-address";
import { requiredRoleForMethod, roleAtLeast } from "./roles";

describe("roles", () => {
  it("orders viewer < operator < admin", () => {
    expect(roleAtLeast("admin", "operator")).toBe(true);
    expect(roleAtLeast("operator", "operator")).toBe(true);
    expect(roleAtLeast("viewer", "operator")).toBe(false);
    expect(roleAtLeast("operator", "admin")).toBe(false);
  });
  it("asks an operator for every change and a viewer for reads", () => {
    expect(requiredRoleForMethod("GET")).toBe("viewer");
    for (const m of ["POST", "PATCH", "PUT", "DELETE"]) expect(requiredRoleForMethod(m)).toBe("operator");
  });
});

describe("bind address", () => {
  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.4", "example.com", "127.0.0.1.evil.com"]) expect(isLoopbackHost(h), h).toBe(false);
  });
  it("refuses a public address without authentication and explains how to fix it", () => {
    expect(bindRefusal("0.0.0.0", false)).toMatch(/TIDEMARK_ADMIN_PASSWORD/);
    expect(bindRefusal("0.0.0.0", true)).toBeNull();
    expect(bindRefusal("127.0.0.1", false)).toBeNull();
  });
});
