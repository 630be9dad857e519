/**
 * TIDEMARK_DEBUG_MEMORY=1 (profiling, npm run bench): each time this process's RSS reaches a new high, log
 * where V8 says the memory is. Unset, it does nothing.
 */
export function logMemoryPeaks(label: string): void {
  if (process.env.TIDEMARK_DEBUG_MEMORY !== "1") return;
  let peak = 0;
  const mb = (bytes: number) => `${Math.round(bytes / 1048576)}`;
  setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss <= peak + 4 * 1048576) return;
    peak = m.rss;
    console.error(`[memory] ${label} rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} MB`);
  }, 250).unref();
}
