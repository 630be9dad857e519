import { describe, expect, it } from "vitest";
import { bindRefusal, hostHeaderName, isLoopbackHost, localHostRefusal, nextListenHost } from "./bind-address";

describe("nextListenHost", () => {
  it("is Next's own default, 0.0.0.0, without a -H/--hostname flag (HOST is not Next's)", () => {
    expect(nextListenHost(["start"])).toBe("0.0.0.0");
    expect(nextListenHost(["dev", "-p", "3000"])).toBe("0.0.0.0");
    expect(nextListenHost([])).toBe("0.0.0.0");
  });
  it("reads every spelling of the flag", () => {
    expect(nextListenHost(["start", "-H", "127.0.0.1"])).toBe("127.0.0.1");
    expect(nextListenHost(["start", "--hostname", "127.0.0.1", "-p", "1"])).toBe("127.0.0.1");
    expect(nextListenHost(["start", "--hostname=0.0.0.0"])).toBe("0.0.0.0");
    expect(nextListenHost(["start", "-H192.168.1.4"])).toBe("192.168.1.4");
    // commander reads "-H=x" as the host "=x" (Next then fails to resolve it): never a loopback address.
    expect(nextListenHost(["start", "-H=127.0.0.1"])).toBe("=127.0.0.1");
  });
  it("takes the last flag, as Next's argument parser does", () => {
    expect(nextListenHost(["start", "-H", "127.0.0.1", "--hostname=0.0.0.0"])).toBe("0.0.0.0");
  });
  it("and every spelling of a public address is refused without sign-in", () => {
    for (const argv of [["start"], ["dev"], ["start", "--hostname=0.0.0.0"], ["start", "-H=127.0.0.1"], ["start", "-H", "10.0.0.1"]]) {
      expect(bindRefusal(nextListenHost(argv), false), argv.join(" ")).toMatch(/Refusing to listen on .* without authentication/);
    }
    expect(bindRefusal(nextListenHost(["start", "--hostname=127.0.0.1"]), false)).toBeNull();
  });
});

describe("local-mode Host check", () => {
  it("parses Host headers", () => {
    expect(hostHeaderName("127.0.0.1:3000")).toBe("127.0.0.1");
    expect(hostHeaderName("LOCALHOST")).toBe("localhost");
    expect(hostHeaderName("[::1]:3000")).toBe("::1");
    expect(hostHeaderName("evil.example:3000")).toBe("evil.example");
    expect(hostHeaderName("")).toBeNull();
    expect(hostHeaderName("a b")).toBeNull();
    expect(hostHeaderName("user@127.0.0.1")).toBeNull();
  });
  it("answers loopback names only", () => {
    for (const h of ["127.0.0.1:3100", "localhost:3000", "localhost", "[::1]:3000", "127.0.0.2"]) expect(localHostRefusal(h), h).toBeNull();
    for (const h of ["evil.example", "evil.example:3000", "127.0.0.1.evil.example", "localhost.evil.example", "192.168.1.4:3000", "[::]:3000", "", null]) {
      expect(localHostRefusal(h), String(h)).toMatch(/local mode/);
    }
  });
  it("counts IPv4-mapped loopback socket addresses as loopback", () => {
    expect(isLoopbackHost("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopbackHost("::ffff:10.0.0.1")).toBe(false);
  });
});
