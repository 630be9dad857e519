import kafkajs, { type Admin, type Kafka } from "kafkajs";

// kafkajs is CommonJS: Node's ESM loader (the runtime's production bundle) finds only some of its
// exports by name, and not ConfigResourceTypes.
const { ConfigResourceTypes } = kafkajs;

/** Kafka's default `message.max.bytes` (1 MiB + log overhead), for a principal not allowed to describe configs. */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
const NOT_ALLOWED = new Set(["TOPIC_AUTHORIZATION_FAILED", "CLUSTER_AUTHORIZATION_FAILED"]);

/**
 * Each target topic's `max.message.bytes`, asked of the broker once (DescribeConfigs gives the
 * topic's own value, or the broker's `message.max.bytes` it inherits) and kept until `refresh`: the
 * sink refreshes when the broker refuses a send as too large, or before it calls a record too large.
 */
export class TopicLimits {
  private readonly cache = new Map<string, { limit: Promise<number>; at: number }>();
  private admin: Promise<Admin> | null = null;

  constructor(private readonly kafka: Kafka) {}

  maxMessageBytes(topic: string): Promise<number> {
    let cached = this.cache.get(topic);
    if (!cached) {
      const limit = this.describe(topic);
      cached = { limit, at: Date.now() };
      // A failed look-up is not kept: the next send asks again.
      limit.catch(() => {
        if (this.cache.get(topic)?.limit === limit) this.cache.delete(topic);
      });
      this.cache.set(topic, cached);
    }
    return cached.limit;
  }

  /** Asks the broker again, unless the limit known was asked for less than `maxAgeMs` ago. */
  refresh(topic: string, maxAgeMs = 0): Promise<number> {
    const cached = this.cache.get(topic);
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.limit;
    this.cache.delete(topic);
    return this.maxMessageBytes(topic);
  }

  forget(topic: string): void {
    this.cache.delete(topic);
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.then((a) => a.disconnect()).catch(() => {});
  }

  private async describe(topic: string): Promise<number> {
    try {
      const admin = await this.connected();
      const { resources } = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ["max.message.bytes"] }],
        includeSynonyms: false,
      });
      const value = Number(resources[0]?.configEntries.find((entry) => entry.configName === "max.message.bytes")?.configValue);
      return Number.isSafeInteger(value) && value > 0 ? value : KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
    } catch (error) {
      // Without DescribeConfigs rights, assume Kafka's default; a refusal of a send refreshes it.
      if (NOT_ALLOWED.has(String((error as { type?: unknown })?.type))) return KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
      throw error;
    }
  }

  private connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      const connecting = admin.connect().then(() => admin);
      connecting.catch(() => {
        if (this.admin === connecting) this.admin = null;
      });
      this.admin = connecting;
    }
    return this.admin;
  }
}
