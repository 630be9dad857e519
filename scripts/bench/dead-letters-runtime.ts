/**
 * The runtime process (runtime-process.ts) with the processors the dead-letter benchmark runs:
 * the README's example.sum-field, and the same throwing its bad records instead of handing them to
 * `batch.skip`. Imported in this order, they are registered before the runtime starts.
 */
import "./dead-letter-processors";
import "../../lib/server/runtime/runtime-process";
