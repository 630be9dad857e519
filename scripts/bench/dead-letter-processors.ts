/** Processors of the dead-letter benchmark, registered on import (see dead-letters-runtime.ts). */
import type { KafkaRecord } from "../../lib/domain/types";
import { sumField } from "../../lib/server/processors/examples/sum-field";
import { eachRecord, jsonValue } from "../../lib/server/processors/processor";
import { registerProcessor } from "../../lib/server/processors/registry";

registerProcessor(sumField);
// The README's example as a processor that skips: bad records go to batch.skip instead of being thrown.
registerProcessor({
  ...sumField,
  name: "bench.sum-field-skipping",
  async process(batch, tx) {
    const good: KafkaRecord[] = [];
    eachRecord(
      batch.records,
      (record) => {
        const n = (jsonValue(record) as Record<string, unknown>)?.[batch.config.field];
        if (typeof n !== "number" || !Number.isInteger(n)) throw new Error(`field '${batch.config.field}' is not a whole number`);
        good.push(record);
      },
      batch.skip,
    );
    await sumField.process({ ...batch, records: good }, tx);
  },
});
