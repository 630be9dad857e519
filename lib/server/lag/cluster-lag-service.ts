/** Use cases behind the consumer group and topic endpoints: Kafka's view of the cluster, with lag status from the sampler. */
import type { GroupDetailDto, GroupSummaryDto, LagSeriesDto, TopicDetailDto } from "@/lib/contracts/lag";
import type { LagSource } from "@/lib/domain/lag-source";
import { mirroredJobName } from "@/lib/domain/mirror-group";
import { partitionKey } from "@/lib/domain/types";
import { AppError } from "../http/app-error";
import { listJobs } from "../stores/job-store";
import {
  readEvaluations,
  readLatestTick,
  readSeries,
  TOTAL_PARTITION,
  TOTAL_TOPIC,
  type LagRow,
} from "./lag-store";
import { kafka, resolveRange, toEvaluationDto, type LagContext, type RangeQuery } from "./lag-service";

function mirrorOf(group: string, jobNames: Set<string>): string | null {
  const name = mirroredJobName(group);
  return name !== null && jobNames.has(name) ? name : null;
}

export async function listGroupSummaries(ctx: LagContext, source: LagSource): Promise<GroupSummaryDto[]> {
  const [infos, evaluations, latest, jobs] = await Promise.all([
    kafka(source.groups()),
    readEvaluations(ctx.db, "group"),
    readLatestTick(ctx.db, "group"),
    listJobs(ctx.db),
  ]);
  const jobNames = new Set(jobs.map((j) => j.name));
  const evalBy = new Map(evaluations.map((e) => [e.subject, e]));
  const rowsBy = new Map<string, LagRow[]>();
  for (const r of latest) rowsBy.set(r.subject, [...(rowsBy.get(r.subject) ?? []), r]);
  return infos
    .map((g) => {
      const dto = toEvaluationDto(evalBy.get(g.groupId), rowsBy.get(g.groupId) ?? [], ctx);
      const parts = (rowsBy.get(g.groupId) ?? []).filter((r) => r.partition !== TOTAL_PARTITION);
      return {
        group: g.groupId,
        state: g.state,
        protocolType: g.protocolType,
        members: g.members.length,
        status: dto.status,
        worst: dto.worst,
        totalLag: dto.totalLag,
        timeLagMs: dto.timeLagMs,
        eta: dto.eta,
        consumeRate: dto.trend?.consumeRate ?? null,
        tidemarkJob: mirrorOf(g.groupId, jobNames),
        topics: [...new Set(parts.map((r) => r.topic))].sort(),
        partitions: parts.length,
      };
    })
    .sort((a, b) => a.group.localeCompare(b.group));
}

export async function groupDetail(ctx: LagContext, source: LagSource, groupId: string): Promise<GroupDetailDto> {
  const [[info], offsets] = await Promise.all([kafka(source.describeGroups([groupId])), kafka(source.groupOffsets(groupId))]);
  if (!info || (info.state === "Dead" && offsets.length === 0)) throw new AppError("GROUP_NOT_FOUND", `no consumer group '${groupId}'`);
  const log = new Map((await kafka(source.logOffsets([...new Set(offsets.map((o) => o.topic))]))).map((o) => [partitionKey(o), o]));
  const [evaluations, latest, jobs] = await Promise.all([readEvaluations(ctx.db, "group", groupId), readLatestTick(ctx.db, "group", groupId), listJobs(ctx.db)]);
  const evaluation = toEvaluationDto(evaluations[0], latest, ctx);
  const sampled = new Map(evaluation.partitions.map((p) => [partitionKey(p), p]));
  const owners = new Map<string, { memberId: string; clientId: string; host: string }>();
  for (const m of info.members) for (const tp of m.assignment) owners.set(partitionKey(tp), { memberId: m.memberId, clientId: m.clientId, host: m.host });

  const partitions = offsets.flatMap((o) => {
    const l = log.get(partitionKey(o));
    if (!l) return [];
    const s = sampled.get(partitionKey(o));
    const lag = Math.max(0, l.logEndOffset - Math.max(o.offset, l.logStartOffset));
    return [
      {
        topic: o.topic,
        partition: o.partition,
        committedOffset: o.offset,
        logStartOffset: l.logStartOffset,
        logEndOffset: l.logEndOffset,
        lag,
        timeLagMs: lag === 0 ? 0 : (s?.timeLagMs ?? null),
        status: s?.status ?? "OK",
        owner: owners.get(partitionKey(o)) ?? null,
      },
    ];
  });
  return {
    group: groupId,
    state: info.state,
    protocolType: info.protocolType,
    status: evaluation.status,
    worst: evaluation.worst,
    totalLag: partitions.reduce((sum, p) => sum + p.lag, 0),
    timeLagMs: evaluation.timeLagMs,
    eta: evaluation.eta,
    trend: evaluation.trend,
    tidemarkJob: mirrorOf(groupId, new Set(jobs.map((j) => j.name))),
    members: info.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.host, partitions: m.assignment.length })),
    partitions,
  };
}

export async function groupLagSeries(ctx: LagContext, source: LagSource, groupId: string, q: RangeQuery): Promise<LagSeriesDto> {
  const { from, to, bucketMs } = resolveRange(q, ctx.nowMs);
  const total = await readSeries(ctx.db, { kind: "group", subject: groupId, topic: TOTAL_TOPIC, partition: TOTAL_PARTITION, fromMs: from, toMs: to, bucketMs });
  if (total.length === 0) {
    const [info] = await kafka(source.describeGroups([groupId]));
    if (!info || info.state === "Dead") throw new AppError("GROUP_NOT_FOUND", `no consumer group '${groupId}'`);
  }
  return { from, to, bucketMs, total };
}

const THROUGHPUT_WINDOW_MS = 60_000;

export async function topicDetail(source: LagSource, topic: string, nowMs: number): Promise<TopicDetailDto> {
  const names = await kafka(source.topicNames());
  if (!names.includes(topic)) throw new AppError("TOPIC_NOT_FOUND", `no topic '${topic}'`);
  const [offsets, minuteAgo] = await Promise.all([kafka(source.logOffsets([topic])), kafka(source.offsetsForTime(topic, nowMs - THROUGHPUT_WINDOW_MS))]);
  const since = new Map(minuteAgo.map((o) => [o.partition, o.offset]));
  const partitions = offsets.map((o) => ({
    partition: o.partition,
    logStartOffset: o.logStartOffset,
    logEndOffset: o.logEndOffset,
    records: o.logEndOffset - o.logStartOffset,
    recordsPerSec: Math.max(0, o.logEndOffset - (since.get(o.partition) ?? o.logEndOffset)) / (THROUGHPUT_WINDOW_MS / 1000),
  }));
  return { name: topic, recordsPerSec: partitions.reduce((s, p) => s + p.recordsPerSec, 0), partitions };
}
