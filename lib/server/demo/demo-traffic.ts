import type { Kafka, Producer } from "kafkajs";
import { findJob, insertJob, setDesiredState } from "../stores/job-store";
import type { Db } from "../stores/tx";

export const DEMO_TOPIC = "demo.events";
export const DEMO_JOB = "demo-count";
export const DEMO_PARTITIONS = 6;
const TICK_MS = 100;
const RECORDS_PER_TICK = 30; // ~300 records/s
const BURST_EVERY_MS = 20_000;
const BURST_RECORDS = 4_000;
const USERS = 40;
const EVENT_TYPES = ["page_view", "click", "add_to_cart", "checkout", "search"];

export interface DemoOptions {
  /** Topic the traffic goes to; default `demo.events`. Tests pass their own. */
  topic?: string;
  /** Name of the count job; default `demo-count`. */
  jobName?: string;
  /** Time between bursts of BURST_RECORDS records; default 20 s. */
  burstEveryMs?: number;
}

/**
 * The demo as boot wires it: nothing at all when the setting (TIDEMARK_DEMO) is "0"; otherwise the
 * demo, started as soon as Kafka answers.
 */
export function startDemo(setting: "0" | "1", kafka: Kafka, db: Db, options: DemoOptions = {}): DemoTraffic | null {
  if (setting !== "1") return null;
  const demo = new DemoTraffic(kafka, db, options);
  void demo.startWhenKafkaAnswers();
  return demo;
}

/** Demo topic, a steady keyed JSON stream with bursts (so lag moves), and a running count job. */
export class DemoTraffic {
  readonly topic: string;
  readonly jobName: string;
  private readonly burstEveryMs: number;
  private producer: Producer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private starting: Promise<void> | null = null;
  private stopped = false;
  private sending = false;
  private lastBurst = Date.now();
  private sequence = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly db: Db,
    options: DemoOptions = {},
  ) {
    this.topic = options.topic ?? DEMO_TOPIC;
    this.jobName = options.jobName ?? DEMO_JOB;
    this.burstEveryMs = options.burstEveryMs ?? BURST_EVERY_MS;
  }

  /**
   * Creates what is missing (topic, job) and starts the traffic. Safe on every boot: an existing topic
   * or job is left as it is (a demo job someone stopped stays stopped).
   */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // false (no error) when the topic exists.
      await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: DEMO_PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    if (!(await findJob(this.db, this.jobName))) {
      const job = await insertJob(this.db, {
        name: this.jobName,
        topics: [this.topic],
        processor: "count-by-key",
        batchIntervalMs: 2000,
        maxRecordsPerPartition: null,
        startingOffsets: "earliest",
      });
      await setDesiredState(this.db, job.id, "running");
    }
    if (this.stopped || this.producer) return; // stopped meanwhile, or already sending
    // Demo traffic needs no exactly-once producer; kafkajs warns when an idempotent one has limited retries.
    const producer = this.kafka.producer();
    await producer.connect();
    if (this.stopped || this.producer) {
      await producer.disconnect().catch(() => {});
      return;
    }
    this.producer = producer;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  /**
   * start(), retried until it succeeds (Kafka may still be starting), waiting 1 s longer each time, at
   * most 30 s. Resolves once started; every call returns the same promise.
   */
  startWhenKafkaAnswers(): Promise<void> {
    return (this.starting ??= new Promise((resolve) => {
      const attempt = (n: number) => {
        if (this.stopped) return;
        this.start().then(resolve, (error: unknown) => {
          if (this.stopped) return;
          console.warn(`[tidemark] demo not started yet (${error instanceof Error ? error.message : error}); retrying`);
          this.retryTimer = setTimeout(() => attempt(n + 1), Math.min(30_000, 1000 * n));
          this.retryTimer.unref();
        });
      };
      attempt(1);
    }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.producer?.disconnect().catch(() => {});
    this.producer = null;
  }

  private async tick(): Promise<void> {
    if (this.sending || !this.producer) return; // a slow broker drops ticks instead of piling them up
    this.sending = true;
    try {
      let count = RECORDS_PER_TICK;
      if (Date.now() - this.lastBurst > this.burstEveryMs) {
        this.lastBurst = Date.now();
        count += BURST_RECORDS;
      }
      await this.producer.send({ topic: this.topic, messages: Array.from({ length: count }, () => this.event()) });
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
