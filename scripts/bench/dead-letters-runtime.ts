/**
 * The runtime process (runtime-process.ts) with the processors the dead-letter benchmark runs:
 * the README's example.sum-field (it throws on a bad record) and the same handing bad records to
 * `batch.skip`. Imported in this order, they are registered before the runtime starts.
 */
import "./dead-letter-processors";
import "../../lib/server/runtime/runtime-process";
