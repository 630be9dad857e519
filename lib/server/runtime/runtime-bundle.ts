import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The runtime's entry points, relative to the repository root. */
export const RUNTIME_PROCESS_SOURCE = "lib/server/runtime/runtime-process.ts";
export const RUNTIME_THREAD_SOURCE = "lib/server/runtime/runtime-thread-main.ts";

/**
 * A runtime entry bundled into one ES module with esbuild (a fraction of a second, at every server
 * start, so it is never stale): it then needs no TypeScript loader, which saves ~30 MB. Packages stay
 * external (loaded from node_modules). Null when bundling fails: the caller falls back to tsx.
 */
export function bundleRuntime(cwd: string, source: string): string | null {
  const name = `${path.basename(source, ".ts")}.mjs`;
  const outfile = path.join(cwd, process.env.NEXT_DIST_DIR || ".next", "tidemark-runtime", name);
  // Written aside and renamed: two servers sharing a build (the e2e suite) never see a half-written file.
  const written = `${outfile}.${process.pid}.tmp`;
  const esbuild = path.join(cwd, "node_modules", "esbuild", "bin", "esbuild");
  const args = [source, "--bundle", "--platform=node", "--format=esm", "--target=node20", "--packages=external", `--outfile=${written}`, "--log-level=error"];
  const result = spawnSync(esbuild, args, { cwd, encoding: "utf8", timeout: 60_000 });
  if (result.status === 0) {
    try {
      fs.renameSync(written, outfile);
      return outfile;
    } catch (error) {
      result.stderr = error instanceof Error ? error.message : String(error);
    }
  }
  console.warn(`[tidemark] could not bundle the job runtime (${(result.stderr || result.error?.message || "").trim()}); running it through tsx`);
  return null;
}
