/**
 * What one lag sampling tick records per subject (a job or a consumer group): a row per partition, and
 * the subject's total row. Pure: the sampler passes the previous sample of each series in.
 */
import { hasRunner } from "@/lib/domain/statuses";
import type { ConsumerGroupInfo, GroupCommittedOffset } from "@/lib/domain/lag-source";
import { nextReadOffset, readPosition, recordsBehind } from "@/lib/domain/next-read-offset";
import { partitionKey, type PartitionLogOffsets, type StoredOffset } from "@/lib/domain/types";
import type { JobRecord } from "../stores/job-store";
import { TOTAL_PARTITION, TOTAL_TOPIC, type LagRow, type SubjectKind } from "./lag-store";

export interface Subject {
  kind: SubjectKind;
  subject: string;
  rows: LagRow[];
}

/** A job's stored offset and when it was last written. */
export type StoredPosition = StoredOffset & { updatedAt: number };

/** The series' latest sample before this tick, if any. */
export type PreviousSample = (kind: SubjectKind, subject: string, topic: string, partition: number) => LagRow | undefined;

/** A job's rows: one per partition of its topics, lag counted from where the planner reads next. */
export function jobSubject(job: JobRecord, stored: Map<string, StoredPosition>, log: Map<string, PartitionLogOffsets>, now: number, previous: PreviousSample): Subject {
  const active = hasRunner(job.status);
  const rows: LagRow[] = [];
  // Where the job reads next, by the planner's own rule (a partition added later counts from its log start).
  const readFrom = readPosition([...stored.values()], job.startingOffsets);
  for (const o of [...log.values()].filter((l) => job.topics.includes(l.topic))) {
    const s = stored.get(partitionKey(o));
    const committed = s?.offset ?? null;
    const prev = previous("job", job.id, o.topic, o.partition);
    rows.push({
      kind: "job",
      subject: job.id,
      topic: o.topic,
      partition: o.partition,
      ts: now,
      committedOffset: committed,
      logStartOffset: o.logStartOffset,
      logEndOffset: o.logEndOffset,
      lag: recordsBehind(o, nextReadOffset(o, readFrom)),
      timeLagMs: 0,
      // A running job is a live consumer: Burrow would see it commit its (possibly unchanged) offset.
      isCommit: committed !== null && (active || (prev !== undefined && prev.committedOffset !== committed)),
      commitTs: s?.updatedAt ?? null,
    });
  }
  return { kind: "job", subject: job.id, rows };
}

/** A consumer group's rows: one per partition it has committed, of a topic that still exists. */
export function groupSubject(info: ConsumerGroupInfo, offsets: GroupCommittedOffset[], log: Map<string, PartitionLogOffsets>, now: number, previous: PreviousSample): Subject {
  const live = info.members.length > 0;
  const rows: LagRow[] = [];
  for (const c of offsets) {
    const o = log.get(partitionKey(c));
    if (!o) continue;
    const prev = previous("group", info.groupId, c.topic, c.partition);
    const moved = prev === undefined || prev.committedOffset !== c.offset;
    // Kafka does not say when a group committed: a group with members is taken to commit each interval,
    // otherwise the commit time is when the offset was last seen to move.
    const commitTs = live || moved ? now : (prev?.commitTs ?? now);
    rows.push({
      kind: "group",
      subject: info.groupId,
      topic: c.topic,
      partition: c.partition,
      ts: now,
      committedOffset: c.offset,
      logStartOffset: o.logStartOffset,
      logEndOffset: o.logEndOffset,
      lag: Math.max(0, o.logEndOffset - Math.max(c.offset, o.logStartOffset)),
      timeLagMs: 0,
      isCommit: live || (prev !== undefined && moved),
      commitTs,
    });
  }
  return { kind: "group", subject: info.groupId, rows };
}

/** A subject's total: summed positions, log offsets and lag; the oldest unconsumed record's age. */
export function totalRow(s: Subject, now: number): LagRow {
  let position = 0;
  let logStart = 0;
  let logEnd = 0;
  let lag = 0;
  let timeLag = 0;
  let commitTs: number | null = null;
  for (const r of s.rows) {
    position += r.logEndOffset - r.lag;
    logStart += r.logStartOffset;
    logEnd += r.logEndOffset;
    lag += r.lag;
    timeLag = Math.max(timeLag, r.timeLagMs);
    if (r.commitTs !== null) commitTs = Math.max(commitTs ?? 0, r.commitTs);
  }
  return {
    kind: s.kind,
    subject: s.subject,
    topic: TOTAL_TOPIC,
    partition: TOTAL_PARTITION,
    ts: now,
    committedOffset: position,
    logStartOffset: logStart,
    logEndOffset: logEnd,
    lag,
    timeLagMs: timeLag,
    isCommit: s.rows.some((r) => r.isCommit),
    commitTs,
  };
}
