/**
 * Gives freed Kafka responses back to the system soon. A fetch response is one large Buffer outside
 * V8's heap; it usually outlives two scavenges while it is decoded, so only a full collection frees it,
 * and V8 starts one only when such memory has grown by 64 MB. The runtime reading 8 MB fetches and the
 * sampler reading whole record batches kept 60–100 MB of dead responses each (BENCHMARKS.md). When Node
 * runs with --expose-gc (npm start and the runtime process do), a full collection runs whenever buffer
 * memory has grown by `limitMb` over what the last collection left alive (responses still being read
 * stay alive, so a busy reader is not collected over and over), at most once per `minGapMs`.
 */
const CHECK_MS = 100;

type Gc = () => void;

export function releaseBuffersUnderPressure(limitMb: number, { minGapMs }: { minGapMs: number }): () => void {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (!gc || limitMb <= 0) return () => {};
  const limit = limitMb * 1024 * 1024;
  let lastGcAt = 0;
  // What was alive one check after the last collection (freed backing stores are swept meanwhile).
  let alive: number | null = 0;
  const timer = setInterval(() => {
    const buffers = process.memoryUsage().arrayBuffers;
    if (alive === null) {
      alive = buffers;
      return;
    }
    alive = Math.min(alive, buffers);
    const now = Date.now();
    if (now - lastGcAt >= minGapMs && buffers > alive + limit) {
      lastGcAt = now;
      alive = null;
      gc();
    }
  }, CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
