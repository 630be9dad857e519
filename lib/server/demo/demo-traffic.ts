import type { Kafka, Producer } from "kafkajs";
import { findJob, insertJob, setDesiredState } from "../stores/job-store";
import type { Db } from "../stores/tx";

export const DEMO_TOPIC = "demo.events";
export const DEMO_JOB = "demo-count";
const PARTITIONS = 6;
const TICK_MS = 100;
const RECORDS_PER_TICK = 30; // ~300 records/s
const BURST_EVERY_MS = 20_000;
const BURST_RECORDS = 4_000;
const USERS = 40;
const EVENT_TYPES = ["page_view", "click", "add_to_cart", "checkout", "search"];

/** Demo topic, a steady keyed JSON stream with bursts (so lag moves), and a running count job. */
export class DemoTraffic {
  private producer: Producer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private sending = false;
  private lastBurst = Date.now();
  private sequence = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly db: Db,
  ) {}

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: DEMO_TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    if (!(await findJob(this.db, DEMO_JOB))) {
      const job = await insertJob(this.db, {
        name: DEMO_JOB,
        topics: [DEMO_TOPIC],
        processor: "count-by-key",
        batchIntervalMs: 2000,
        maxRecordsPerPartition: null,
        startingOffsets: "earliest",
      });
      await setDesiredState(this.db, job.id, "running");
    }
    // Demo traffic needs no exactly-once producer; kafkajs warns when an idempotent one has limited retries.
    this.producer = this.kafka.producer();
    await this.producer.connect();
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.producer?.disconnect().catch(() => {});
  }

  private async tick(): Promise<void> {
    if (this.sending || !this.producer) return; // a slow broker drops ticks instead of piling them up
    this.sending = true;
    try {
      let count = RECORDS_PER_TICK;
      if (Date.now() - this.lastBurst > BURST_EVERY_MS) {
        this.lastBurst = Date.now();
        count += BURST_RECORDS;
      }
      await this.producer.send({ topic: DEMO_TOPIC, messages: Array.from({ length: count }, () => this.event()) });
    } catch (error) {
      console.warn(`[tidemark] demo producer: ${error instanceof Error ? error.message : error}`);
    } finally {
      this.sending = false;
    }
  }

  private event() {
    const user = `user-${String(Math.floor(Math.random() ** 2 * USERS)).padStart(2, "0")}`;
    const type = EVENT_TYPES[Math.floor(Math.random() * EVENT_TYPES.length)];
    return {
      key: user,
      value: JSON.stringify({ seq: this.sequence++, type, user, amount: Math.round(Math.random() * 10000) / 100, at: new Date().toISOString() }),
    };
  }
}
