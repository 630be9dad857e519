/**
 * How Tidemark's Node processes (the web server under `npm start`, the runtime process) are started so
 * that memory freed after Kafka fetches goes back to the system (BENCHMARKS.md, "Where the memory is").
 * - MALLOC_ARENA_MAX: two glibc malloc arenas instead of one per thread.
 * - MALLOC_MMAP_THRESHOLD_: allocations from 128 KB up (fetch responses) are mapped and unmapped on their
 *   own; with glibc's adaptive threshold they went to the heap, which kept ~50 MB per process after bursts.
 * - --expose-gc: lets memory-pressure.ts start a collection when dead response buffers pile up.
 */
export const MEMORY_ENV = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" } as const;
export const MEMORY_NODE_FLAGS = ["--expose-gc"] as const;

/** NODE_OPTIONS with the memory flags added (kept when already there). */
export function withMemoryNodeOptions(nodeOptions: string | undefined): string {
  const present = new Set((nodeOptions ?? "").split(/\s+/).filter(Boolean));
  return [...present, ...MEMORY_NODE_FLAGS.filter((f) => !present.has(f))].join(" ");
}
