import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withMemoryNodeOptions } from "./memory-flags";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * In a fresh `node --expose-gc` process: 48 MB of buffers are made and dropped (promoted to the old
 * generation first, as a fetch response decoded over several scavenges is) 0.3 s after the start,
 * then the process idles for 1.5 s. Prints the buffer memory still held, in MB.
 */
function heldAfterIdle(release: boolean): number {
  const script = `
    const mod = await import("./lib/server/memory-pressure.ts");
    if (${release}) (mod.releaseBuffersUnderPressure ?? mod.default.releaseBuffersUnderPressure)(16, { minGapMs: 1000 });
    await new Promise((r) => setTimeout(r, 300));
    let held = [];
    for (let i = 0; i < 12; i++) held.push(Buffer.alloc(4 << 20, 1));
    for (let i = 0; i < 4; i++) gc({ type: "minor", execution: "sync" });
    held = null;
    setTimeout(() => console.log(Math.round(process.memoryUsage().arrayBuffers / 1048576)), 1500);
  `;
  const result = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return Number(result.stdout.trim());
}

describe("releaseBuffersUnderPressure", () => {
  it("frees dead buffers that V8 alone keeps until 64 MB more pile up", { timeout: 20_000 }, () => {
    expect(heldAfterIdle(false)).toBeGreaterThanOrEqual(44);
    expect(heldAfterIdle(true)).toBeLessThan(8);
  });
});

describe("withMemoryNodeOptions", () => {
  it("adds --expose-gc and a smaller young generation once, and keeps the user's options", () => {
    expect(withMemoryNodeOptions(undefined)).toBe("--expose-gc --max-semi-space-size=8");
    expect(withMemoryNodeOptions("--max-old-space-size=512")).toBe("--max-old-space-size=512 --expose-gc --max-semi-space-size=8");
    expect(withMemoryNodeOptions("--expose-gc --inspect --max-semi-space-size=32")).toBe("--expose-gc --inspect --max-semi-space-size=32");
  });
});
