import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bundleRuntime } from "./runtime-bundle";

const root = path.resolve(import.meta.dirname, "../../..");
const distDir = ".next-runtime-bundle-test";

describe("the runtime's production bundle", () => {
  afterAll(() => fs.rmSync(path.join(root, distDir), { recursive: true, force: true }));

  // tsx and Vitest let a CommonJS package's exports be imported by name; the bundle is an ES module
  // run by Node, whose loader finds only some of them (kafkajs: not CompressionCodecs, not
  // ConfigResourceTypes), and then the runtime thread dies at start.
  it("links under Node's own ES module loader: every named import from packages exists", () => {
    const previous = process.env.NEXT_DIST_DIR;
    process.env.NEXT_DIST_DIR = distDir;
    let bundle: string | null;
    try {
      bundle = bundleRuntime(root, "lib/server/runtime/runtime-host.ts");
    } finally {
      if (previous === undefined) delete process.env.NEXT_DIST_DIR;
      else process.env.NEXT_DIST_DIR = previous;
    }
    expect(bundle).not.toBeNull();
    const loaded = spawnSync(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(pathToFileURL(bundle!).href)})`], {
      cwd: root,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(loaded.stderr).toBe("");
    expect(loaded.status).toBe(0);
  });
});
