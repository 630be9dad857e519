import type { Admin, Kafka } from "kafkajs";
import { createCluster, type InternalCluster } from "./kafkajs-internals";

/**
 * One admin client and one internal cluster (for Fetch and ListOffsets) per Kafka client, connected on
 * first use; concurrent callers (web requests) share one connect.
 */
export class KafkaConnections<C extends InternalCluster = InternalCluster> {
  private connectingAdmin: Promise<Admin> | null = null;
  private connectingCluster: Promise<C> | null = null;
  /** The connected cluster, if any: to inspect it without connecting. */
  connectedCluster: C | null = null;

  constructor(private readonly kafka: Kafka) {}

  admin(): Promise<Admin> {
    this.connectingAdmin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.connectingAdmin = null;
      throw error;
    });
    return this.connectingAdmin;
  }

  cluster(): Promise<C> {
    this.connectingCluster ??= (async () => {
      const cluster = createCluster(this.kafka) as C;
      await cluster.connect();
      this.connectedCluster = cluster;
      return cluster;
    })().catch((error: unknown) => {
      this.connectingCluster = null;
      throw error;
    });
    return this.connectingCluster;
  }

  async close(): Promise<void> {
    const [admin, cluster] = [this.connectingAdmin, this.connectingCluster];
    this.connectingAdmin = this.connectingCluster = null;
    this.connectedCluster = null;
    await Promise.allSettled([admin?.then((a) => a.disconnect()), cluster?.then((c) => c.disconnect())]);
  }
}
