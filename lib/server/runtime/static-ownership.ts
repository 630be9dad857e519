import type { KafkaLog, PartitionOwnership } from "@/lib/domain/ports";
import type { TopicPartition } from "@/lib/domain/types";

/**
 * A single instance owns every partition of the job's topics (partitions added to a topic are
 * picked up at the next batch). A group-protocol implementation replaces this when several
 * instances share jobs.
 */
export class StaticOwnership implements PartitionOwnership {
  constructor(
    private readonly log: KafkaLog,
    private readonly topics: string[],
  ) {}

  owned(): Promise<TopicPartition[]> {
    return this.log.partitions(this.topics);
  }

  async close(): Promise<void> {}
}
