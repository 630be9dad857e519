/** Processors of the dead-letter benchmark, registered on import (see dead-letters-runtime.ts). */
import { sumField } from "../../lib/testing/json-sum-processor";
import { registerProcessor } from "../../lib/server/processors/registry";

registerProcessor(sumField);
// The README's example without batch.skip: its RecordError is thrown, and the runtime's fallback runs
// the batch again without the record, once per bad record (how every bad record was handled before
// batch.skip).
registerProcessor({
  ...sumField,
  name: "bench.sum-field-throwing",
  process: (batch, tx) => sumField.process({ ...batch, skip: undefined }, tx),
});
