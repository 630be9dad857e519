/**
 * How Tidemark's Node processes (the web server under `npm start`, the runtime process) are started so
 * that memory freed after Kafka fetches goes back to the system (BENCHMARKS.md, "Where the memory is").
 * - MALLOC_ARENA_MAX: two glibc malloc arenas instead of one per thread.
 * - MALLOC_MMAP_THRESHOLD_: allocations from 128 KB up (fetch responses) are mapped and unmapped on their
 *   own; with glibc's adaptive threshold they went to the heap, which kept ~50 MB per process after bursts.
 * - --expose-gc: lets memory-pressure.ts start a collection when dead response buffers pile up.
 * - The web server's young generation at 8 MB semi-spaces instead of 16 (about 20 MB less under load;
 *   requests allocate little, so the extra scavenges cost next to nothing).
 */
export const MEMORY_ENV = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" } as const;
export const MEMORY_NODE_FLAGS = ["--expose-gc"] as const;
const SERVER_SEMI_SPACE_FLAG = "--max-semi-space-size=8";

/** NODE_OPTIONS for the web server: the memory flags added, the user's own options kept (and preferred). */
export function withMemoryNodeOptions(nodeOptions: string | undefined): string {
  const present = (nodeOptions ?? "").split(/\s+/).filter(Boolean);
  const added = [...MEMORY_NODE_FLAGS, SERVER_SEMI_SPACE_FLAG].filter((flag) => !present.some((p) => p.split("=")[0] === flag.split("=")[0]));
  return [...present, ...added].join(" ");
}
