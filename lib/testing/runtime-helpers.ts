/** Helpers for the job runtime's integration tests (Vitest only). */
import { expect } from "vitest";
import { partitionKey, type OffsetRange } from "@/lib/domain/types";
import type { KafkajsLog } from "@/lib/server/kafka/kafka-log";
import { readOffsets } from "@/lib/server/stores/offset-store";
import type { Db } from "@/lib/server/stores/tx";

export async function readCounts(db: Db, jobId: string): Promise<Map<string, number>> {
  const rows = await db.keyCount.findMany({ where: { jobId } });
  return new Map(rows.map((r) => [r.key, Number(r.count)]));
}

export async function caughtUp(db: Db, log: KafkajsLog, jobId: string, topics: string[]): Promise<boolean> {
  const stored = new Map((await readOffsets(db, jobId)).map((o) => [partitionKey(o), o.offset]));
  const ends = await log.logOffsets(topics);
  // Not caught up when the log's answer misses a topic (metadata not there yet): an empty list is no proof.
  if (!topics.every((t) => ends.some((e) => e.topic === t))) return false;
  return ends.every((e) => stored.get(partitionKey(e)) === e.logEndOffset);
}

/** Per partition, succeeded batches' ranges must tile [start, logEnd) exactly: contiguous, no overlap. */
export function assertRangesTile(ranges: OffsetRange[], logEnds: Map<string, number>, starts = new Map<string, number>()) {
  const byPartition = new Map<string, OffsetRange[]>();
  for (const r of ranges) byPartition.set(partitionKey(r), [...(byPartition.get(partitionKey(r)) ?? []), r]);
  expect([...byPartition.keys()].sort()).toEqual([...logEnds.keys()].sort());
  for (const [key, list] of byPartition) {
    // By start, then end: an empty range [n, n) of an older batch sorts before [n, m) of a newer one.
    list.sort((a, b) => a.fromOffset - b.fromOffset || a.untilOffset - b.untilOffset);
    let next = starts.get(key) ?? 0;
    for (const r of list) {
      expect(r.fromOffset, `${key} range starts where the previous ended`).toBe(next);
      expect(r.untilOffset).toBeGreaterThanOrEqual(r.fromOffset);
      next = r.untilOffset;
    }
    expect(next, `${key} ranges end at the log end`).toBe(logEnds.get(key));
  }
}

/** Lines `key:value` for kcat with a known count per key (keys key-0 … key-(keys-1)). */
export function keyedLines(count: number, keys: number, seed: number, expected: Map<string, number>): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = `key-${(i * 7919 + seed) % keys}`;
    lines.push(`${key}:{"n":${i},"s":${seed}}`);
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  return lines;
}

export async function jobRow(db: Db, jobId: string) {
  return db.job.findUniqueOrThrow({ where: { id: jobId } });
}
