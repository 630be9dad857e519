import { describe, expect, it } from "vitest";
import { RuntimeLiveness } from "./runtime-liveness";

describe("runtime liveness", () => {
  it("is up until the process exits; down from the crash until a new process has stayed up for the stable time", () => {
    const l = new RuntimeLiveness(30_000);
    l.spawned(0);
    expect(l.downSince(60_000)).toBeNull();
    l.exited(100_000);
    expect(l.downSince(100_500)).toBe(100_000);
    l.spawned(101_000);
    expect(l.downSince(120_000)).toBe(100_000); // back up for 19 s only
    expect(l.downSince(131_000)).toBeNull();
  });

  it("a crash loop is one outage, since its first crash", () => {
    const l = new RuntimeLiveness(30_000);
    l.spawned(0);
    l.exited(50_000);
    for (let t = 51_000; t < 200_000; t += 10_000) {
      l.spawned(t);
      expect(l.downSince(t + 5_000)).toBe(50_000);
      l.exited(t + 8_000);
    }
    expect(l.downSince(200_000)).toBe(50_000);
  });

  it("a crash after a stable run is a new outage, even when nobody asked in between", () => {
    const l = new RuntimeLiveness(30_000);
    l.spawned(0);
    l.exited(10_000);
    l.spawned(11_000);
    l.exited(500_000);
    expect(l.downSince(500_001)).toBe(500_000);
  });
});
