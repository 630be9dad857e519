/**
 * LagSource on kafkajs. Offsets for many topics come from kafkajs' internal cluster (one ListOffsets request
 * per broker for all topics, for the earliest and for the latest offsets), record timestamps from its
 * broker fetch; groups through the admin client.
 */
import { AssignerProtocol, type Kafka } from "kafkajs";
import { positionKey, type ConsumerGroupInfo, type GroupCommittedOffset, type LagSource, type RecordPosition } from "@/lib/domain/lag-source";
import { comparePartitions, type PartitionLogOffsets } from "@/lib/domain/types";
import { KafkaConnections } from "../kafka/kafka-connections";
import {
  decodeLegacyMessageSet,
  decompressRecords,
  fetchLogOffsets,
  fetchRecordSets,
  type InternalBroker,
  type InternalCluster,
  type RawFetchResponse,
} from "../kafka/kafkajs-internals";
import { listRecordBatches, timestampAtOrAfter } from "../kafka/record-batches";

interface OffsetCluster extends InternalCluster {
  fetchTopicsOffset(
    topics: { topic: string; partitions: { partition: number }[]; fromBeginning?: boolean; fromTimestamp?: number }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
}

const READ_UNCOMMITTED = 0;
/** Per partition: enough for the first record batch of typical producers; a bigger batch is retried with more. */
const TIMESTAMP_FETCH_BYTES = 64 * 1024;
const TIMESTAMP_FETCH_BYTES_RETRY = 4 * 1024 * 1024;
/** Bounds one sampling tick's extra requests when many partitions hold huge batches. */
const MAX_SOLO_TIMESTAMP_FETCHES = 32;

export class KafkaLagSource implements LagSource {
  private readonly connections: KafkaConnections<OffsetCluster>;

  constructor(kafka: Kafka) {
    this.connections = new KafkaConnections<OffsetCluster>(kafka);
  }

  async logOffsets(topics: string[]): Promise<PartitionLogOffsets[]> {
    if (topics.length === 0) return [];
    return fetchLogOffsets(await this.connectedCluster(topics), topics);
  }

  async groups(): Promise<ConsumerGroupInfo[]> {
    const admin = await this.connections.admin();
    const { groups } = await admin.listGroups();
    if (groups.length === 0) return [];
    return this.describeGroups(groups.map((g) => g.groupId));
  }

  async describeGroups(groupIds: string[]): Promise<ConsumerGroupInfo[]> {
    if (groupIds.length === 0) return [];
    const admin = await this.connections.admin();
    const { groups } = await admin.describeGroups(groupIds);
    return groups.map((g) => ({
      groupId: g.groupId,
      state: g.state,
      protocolType: g.protocolType,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: decodeAssignment(g.protocolType, m.memberAssignment),
      })),
    }));
  }

  async groupOffsets(groupId: string): Promise<GroupCommittedOffset[]> {
    const admin = await this.connections.admin();
    // No topics: OffsetFetch v2+ with a null topic list answers every topic the group committed.
    const topics = await admin.fetchOffsets({ groupId });
    return topics
      .flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })))
      .filter((o) => o.offset >= 0)
      .sort(comparePartitions);
  }

  async recordTimestamps(positions: RecordPosition[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (positions.length === 0) return found;
    const cluster = await this.connectedCluster([...new Set(positions.map((p) => p.topic))]);
    let pending = positions;
    for (const maxBytes of [TIMESTAMP_FETCH_BYTES, TIMESTAMP_FETCH_BYTES_RETRY]) {
      await this.fetchFirstRecords(cluster, pending, maxBytes, found);
      pending = pending.filter((p) => !found.has(positionKey(p)));
      if (pending.length === 0) break;
    }
    // A record batch larger than the partition's fetch size comes back only to a partition that leads
    // its request (KIP-74): ask for each still-missing one alone.
    for (const position of pending.slice(0, MAX_SOLO_TIMESTAMP_FETCHES)) {
      await this.fetchFirstRecords(cluster, [position], TIMESTAMP_FETCH_BYTES, found);
    }
    return found;
  }

  async offsetsForTime(topic: string, timestampMs: number): Promise<{ partition: number; offset: number }[]> {
    const cluster = await this.connectedCluster([topic]);
    const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
    const [result] = await cluster.fetchTopicsOffset([{ topic, partitions, fromTimestamp: timestampMs }]);
    const ends = new Map((await this.logOffsets([topic])).map((o) => [o.partition, o.logEndOffset]));
    return (result?.partitions ?? []).map((p) => ({ partition: p.partition, offset: Number(p.offset) < 0 ? (ends.get(p.partition) ?? 0) : Number(p.offset) }));
  }

  async topicNames(): Promise<string[]> {
    return (await this.connections.admin()).listTopics();
  }

  async brokers(): Promise<{ nodeId: number; host: string; port: number }[]> {
    const { brokers } = await (await this.connections.admin()).describeCluster();
    return brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port }));
  }

  close(): Promise<void> {
    return this.connections.close();
  }

  private async fetchFirstRecords(cluster: OffsetCluster, positions: RecordPosition[], maxBytes: number, found: Map<string, number>): Promise<void> {
    const byLeader = new Map<string, RecordPosition[]>();
    for (const topic of new Set(positions.map((p) => p.topic))) {
      const list = positions.filter((p) => p.topic === topic);
      const leaders = cluster.findLeaderForPartitions(topic, list.map((p) => p.partition));
      for (const [nodeId, partitions] of Object.entries(leaders)) {
        byLeader.set(nodeId, [...(byLeader.get(nodeId) ?? []), ...list.filter((p) => partitions.includes(p.partition))]);
      }
    }
    await Promise.all(
      [...byLeader].map(async ([nodeId, list]) => {
        const broker: InternalBroker = await cluster.findBroker({ nodeId });
        // One request can hold one offset per partition; several groups may ask for different offsets of one.
        const rounds: RecordPosition[][] = [];
        for (const p of list) {
          const round = rounds.find((r) => !r.some((q) => q.topic === p.topic && q.partition === p.partition));
          if (round) round.push(p);
          else rounds.push([p]);
        }
        for (const round of rounds) {
          let response: RawFetchResponse;
          try {
            // Record sets stay bytes: only the wanted record's timestamp is read (see timestampAtOrAfter).
            response = await fetchRecordSets(broker, {
              isolationLevel: READ_UNCOMMITTED,
              maxWaitTime: 0,
              minBytes: 0,
              maxBytes: 64 * 1024 * 1024,
              topics: [...new Set(round.map((p) => p.topic))].map((topic) => ({
                topic,
                partitions: round.filter((p) => p.topic === topic).map((p) => ({ partition: p.partition, fetchOffset: String(p.offset), maxBytes })),
              })),
            });
          } catch {
            continue; // an offset moved out of range since it was read: no timestamp this tick
          }
          for (const { topicName, partitions } of response.responses) {
            for (const data of partitions) {
              const wanted = round.find((p) => p.topic === topicName && p.partition === data.partition);
              if (!wanted) continue;
              const timestamp = await timestampOf(data.recordSet, wanted.offset);
              if (timestamp !== null) found.set(positionKey(wanted), timestamp);
            }
          }
        }
      }),
    );
  }

  private async connectedCluster(topics: string[]): Promise<OffsetCluster> {
    const cluster = await this.connections.cluster();
    if (topics.length > 0) await cluster.addMultipleTargetTopics(topics);
    return cluster;
  }
}

async function timestampOf(recordSet: Buffer, offset: number): Promise<number | null> {
  const batches = listRecordBatches(recordSet);
  if (batches) return timestampAtOrAfter(recordSet, batches, offset, decompressRecords);
  const first = (await decodeLegacyMessageSet(recordSet)).find((m) => Number(m.offset) >= offset);
  return first ? Number(first.timestamp) : null;
}

function decodeAssignment(protocolType: string, buffer: Buffer): { topic: string; partition: number }[] {
  if (protocolType !== "consumer" || !buffer || buffer.length === 0) return [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    if (!decoded) return [];
    return Object.entries(decoded.assignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
  } catch {
    return [];
  }
}
