/**
 * The job runtime in a worker thread of the web server (runtime-thread.ts starts it; the default under
 * `next start`). The same wiring as runtime-process.ts; the server has applied the migrations already.
 */
import os from "node:os";
import { parentPort } from "node:worker_threads";
import { env } from "../env";
import { releaseBuffersUnderPressure } from "../memory-pressure";
import { RUNTIME_NICENESS } from "./runtime-child";
import { runtimeHostFromEnv } from "./runtime-host";
import { currentThreadId, type RuntimeThreadMessage } from "./runtime-thread";
import { loadProcessors } from "../processors/load-processors";

const STOP_DEADLINE_MS = 8_000;

async function main(): Promise<void> {
  const config = env();
  lowerThreadPriority();
  releaseBuffersUnderPressure(config.TIDEMARK_GC_BUFFER_MB, { minGapMs: 100 });
  // The server has checked and migrated the folder; this thread has a registry of its own.
  await loadProcessors({});
  const host = runtimeHostFromEnv(config);
  let stopping = false;
  parentPort?.on("message", (message: RuntimeThreadMessage) => {
    if (message.type !== "stop" || stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    host.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("[tidemark] error while stopping the runtime", error);
        process.exit(1);
      },
    );
  });
  await host.start();
  console.log("[tidemark] runtime thread started");
}

/** Batches at a lower CPU priority than requests, as the runtime process has (Linux: niceness is per thread). */
function lowerThreadPriority(): void {
  const tid = currentThreadId();
  try {
    if (tid) os.setPriority(tid, RUNTIME_NICENESS);
  } catch {
    // not permitted here: the thread runs at the server's priority
  }
}

main().catch((error: unknown) => {
  console.error("[tidemark] runtime thread failed", error);
  process.exit(1);
});
