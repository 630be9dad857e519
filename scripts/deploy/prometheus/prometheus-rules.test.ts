/**
 * The shipped alerting rules, checked by Prometheus' own promtool (Debian package `prometheus`; .ci/run
 * installs it): the file is valid, and its unit tests (tidemark-rules.test.yml) fire what they expect.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const dir = import.meta.dirname;

function promtool(...args: string[]): string {
  try {
    return execFileSync("promtool", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const e = error as { code?: string; stdout?: string; stderr?: string };
    if (e.code === "ENOENT") throw new Error("promtool not found: apt-get install -y prometheus (it provides /usr/bin/promtool)");
    throw new Error(`promtool ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

describe("Prometheus alerting rules", () => {
  it("pass promtool check rules", () => {
    expect(promtool("check", "rules", path.join(dir, "tidemark-rules.yml"))).toContain("SUCCESS: 7 rules found");
  });

  it("fire as their promtool unit tests expect", () => {
    expect(promtool("test", "rules", path.join(dir, "tidemark-rules.test.yml"))).toContain("SUCCESS");
  });
});
