import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress, installForwardingGuard } from "./client-address";

const req = (xff?: string) => new Request("http://127.0.0.1/api/auth/login", { method: "POST", headers: xff ? { "x-forwarded-for": xff } : {} });

describe("clientAddress", () => {
  it("is unknown (null) when the forwarding guard is not installed: the header could be forged", () => {
    expect(clientAddress(req("10.0.0.1"), undefined)).toBeNull();
  });
  it("is the last X-Forwarded-For entry: the peer (guard) or what a trusted proxy appended", () => {
    expect(clientAddress(req("127.0.0.1"), { trustProxy: false })).toBe("127.0.0.1");
    expect(clientAddress(req("6.6.6.6, 10.0.0.7"), { trustProxy: true })).toBe("10.0.0.7");
    expect(clientAddress(req(), { trustProxy: true })).toBeNull();
  });
});

describe("installForwardingGuard (no trusted proxy)", () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    installForwardingGuard(false);
    server = http.createServer((request, response) => response.end(JSON.stringify(request.headers)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("replaces a forged X-Forwarded-For with the socket's peer and drops the other forwarding headers", async () => {
    const headers = await (
      await fetch(url, { headers: { "x-forwarded-for": "6.6.6.6", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", forwarded: "for=6.6.6.6", "x-real-ip": "6.6.6.6" } })
    ).json();
    expect(headers["x-forwarded-for"]).toBe("127.0.0.1");
    for (const name of ["x-forwarded-host", "x-forwarded-proto", "forwarded", "x-real-ip"]) expect(headers[name], name).toBeUndefined();
    const seen = clientAddress(new Request(url, { headers: { "x-forwarded-for": headers["x-forwarded-for"] } }));
    expect(seen).toBe("127.0.0.1");
  });
});
