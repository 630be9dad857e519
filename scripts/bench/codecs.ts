/**
 * Decode throughput of the range reader's record-batch decoder per compression codec, in memory (no
 * broker): 200,000 records of ~100 bytes in batches of 200 (~20 KB, about what Kafka's Java producer
 * writes with its default batch.size), encoded by kafkajs with the codecs Tidemark registers.
 * `npx tsx scripts/bench/codecs.ts` (not part of `npm run bench`).
 */
import { createRequire } from "node:module";
import type { KafkaRecord } from "@/lib/domain/types";
import { decompressRecords } from "@/lib/server/kafka/kafkajs-internals";
import { decodeRecordBatches, listRecordBatches } from "@/lib/server/kafka/record-batches";

const require = createRequire(import.meta.url);
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0") as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
const Record = require("kafkajs/src/protocol/recordBatch/record/v0") as (o: object) => unknown;
const Long = require("kafkajs/src/utils/long") as { fromValue(v: number): unknown };

const RECORDS = 200_000;
const PER_BATCH = 200;
const ROUNDS = 5;
const CODECS = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

async function recordSet(compression: number): Promise<{ set: Buffer; raw: number }> {
  const batches: Buffer[] = [];
  let raw = 0;
  for (let first = 0; first < RECORDS; first += PER_BATCH) {
    const records = [];
    for (let i = 0; i < PER_BATCH; i++) {
      const n = first + i;
      const key = Buffer.from(`user-${n % 1000}`);
      const value = Buffer.from(`{"id":${n},"event":"page_view","path":"/products/${n % 500}","amount":${(n * 37) % 1000}}`);
      raw += key.length + value.length;
      records.push(Record({ offsetDelta: i, timestampDelta: i, key, value, headers: {} }));
    }
    const { buffer } = await RecordBatch({
      compression,
      firstOffset: Long.fromValue(first),
      firstTimestamp: 1_764_000_000_000,
      maxTimestamp: 1_764_000_000_000 + PER_BATCH,
      lastOffsetDelta: PER_BATCH - 1,
      producerId: Long.fromValue(-1),
      records,
    });
    batches.push(buffer);
  }
  return { set: Buffer.concat(batches), raw };
}

async function main() {
  console.log(`${RECORDS.toLocaleString()} records in batches of ${PER_BATCH}, best of ${ROUNDS} rounds`);
  for (const [name, compression] of Object.entries(CODECS)) {
    const { set, raw } = await recordSet(compression);
    const batches = listRecordBatches(set)!;
    let best = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      const out: KafkaRecord[] = [];
      const start = performance.now();
      await decodeRecordBatches({ topic: "t", partition: 0 }, set, batches, [], { fromOffset: 0, untilOffset: RECORDS }, decompressRecords, out);
      best = Math.min(best, performance.now() - start);
      if (out.length !== RECORDS) throw new Error(`${name}: decoded ${out.length} records`);
    }
    const perSec = Math.round(RECORDS / (best / 1000));
    console.log(
      `${name.padEnd(6)} ${(set.length / 1e6).toFixed(1).padStart(5)} MB on the wire (${((100 * set.length) / raw).toFixed(0)}% of key+value bytes), ` +
        `${best.toFixed(0).padStart(4)} ms, ${(perSec / 1e6).toFixed(2)} M records/s`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
