import type { Kafka } from "kafkajs";
import type { StoredOffset } from "@/lib/domain/types";
import { createCluster, type InternalCluster } from "./kafkajs-internals";

/**
 * Copies a job's committed offsets to a Kafka consumer group so that kafka-consumer-groups.sh,
 * Burrow or kafka-ui show its lag. Best effort: Tidemark never reads these back, a failure is only
 * logged (once per outage), and a commit still in flight makes the next one wait for it and send
 * only the newest offsets.
 */
export class KafkaOffsetMirror {
  private cluster: InternalCluster | null = null;
  private readonly pending = new Map<string, StoredOffset[]>();
  private running: Promise<void> | null = null;
  private failing = false;

  constructor(private readonly kafka: Kafka) {}

  /** Queues the offsets; returns at once. */
  mirror(groupId: string, offsets: StoredOffset[]): void {
    if (offsets.length === 0) return;
    const merged = new Map((this.pending.get(groupId) ?? []).map((o) => [`${o.topic}:${o.partition}`, o]));
    for (const o of offsets) merged.set(`${o.topic}:${o.partition}`, o);
    this.pending.set(groupId, [...merged.values()]);
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Waits until queued offsets were sent (or failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    await this.flush().catch(() => {});
    await this.cluster?.disconnect().catch(() => {});
    this.cluster = null;
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const [groupId, offsets] = this.pending.entries().next().value as [string, StoredOffset[]];
      this.pending.delete(groupId);
      try {
        await this.commit(groupId, offsets);
        if (this.failing) console.warn(`[tidemark] mirroring offsets to Kafka works again`);
        this.failing = false;
      } catch (error) {
        if (!this.failing) console.warn(`[tidemark] could not mirror offsets of ${groupId} to Kafka (best effort): ${error instanceof Error ? error.message : error}`);
        this.failing = true;
      }
    }
  }

  /**
   * One OffsetCommit to the group's coordinator, as a "simple" (memberless) group does: generation
   * -1, no member id. kafkajs' admin.setOffsets would run a whole consumer per call.
   */
  private async commit(groupId: string, offsets: StoredOffset[]): Promise<void> {
    if (!this.cluster) {
      const cluster = createCluster(this.kafka);
      await cluster.connect();
      this.cluster = cluster;
    }
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: String(o.offset) }]);
    const coordinator = await this.cluster.findGroupCoordinator({ groupId });
    await coordinator.offsetCommit({
      groupId,
      groupGenerationId: -1,
      memberId: "",
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    });
  }
}
