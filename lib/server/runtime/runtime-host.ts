import { randomBytes } from "node:crypto";
import os from "node:os";
import { systemClock } from "@/lib/domain/ports";
import { databaseKind } from "../db/database-url";
import { databaseFilePath } from "../db/migrate";
import { WalCheckpointer } from "../db/wal-checkpointer";
import { JobLeases } from "../cluster/job-leases";
import { leaderGated } from "../cluster/leader-gate";
import type { Service } from "../lifecycle";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { KafkaRecordSink } from "../kafka/kafka-sink";
import { KafkaOffsetMirror } from "../kafka/offset-mirror";
import type { Db } from "../stores/tx";
import { BatchHistoryPruner, DEFAULT_KEEP_PER_JOB, DEFAULT_PRUNE_CHUNK } from "./batch-history";
import { BatchSlots } from "./batch-slots";
import { JobCoordinator } from "./job-coordinator";
import { DEFAULT_LOG_PRUNE_CHUNK, LogRetentionPruner } from "./log-retention";
import { createRuntimePrismaClient } from "./runtime-database";
import { StaticOwnership } from "./static-ownership";
import type { BatchLimits } from "@/lib/domain/batch-limits";
import { batchLimitDefaults, batchRetentionMs, kafkaBrokers, type Env } from "../env";

export interface RuntimeHostOptions {
  databaseUrl: string;
  brokers: string[];
  clientId: string;
  reconcileIntervalMs: number;
  /** Batches of all jobs that read and commit at the same time (default 2). */
  maxConcurrentBatches?: number;
  /** Finished batches older than this are pruned (batch-history.ts); unset: batch history is kept forever. */
  batchRetentionMs?: number;
  /** Audit log and alert history retention, and the session idle timeout (log-retention.ts); unset: all are kept forever. */
  logRetention?: { auditMs: number; alertHistoryMs: number; deadLetterMs: number; sessionIdleMs: number };
  /** Limits of a batch for jobs that set none; unset: DEFAULT_BATCH_LIMITS. */
  batchDefaults?: BatchLimits;
  /**
   * Fold the next batch while one commits, during a backlog; unset: on PostgreSQL only. On SQLite the
   * commit runs on the runtime's own thread, so nothing overlaps (BENCHMARKS.md).
   */
  readAhead?: boolean;
  /** Job leases expire after this long without renewal (default 15 s). */
  leaseTtlMs?: number;
}

/** This runtime's name in the cluster: unique per start, readable in the Instances view. */
function instanceIdentity() {
  const host = os.hostname();
  return { id: `${host}-${process.pid}-${randomBytes(3).toString("hex")}`, host, pid: process.pid, version: process.env.npm_package_version ?? "0.1.0" };
}

/**
 * The job runtime's parts, wired: its own database connection, its Kafka reader, the forward
 * sink, the offset mirror, the coordinator and the pruners (batch history; audit log and alert history). Started in that order,
 * stopped in reverse. Used by lib/server/boot.ts inside the Next.js server, and by
 * runtime-process.ts (tests, bench).
 */
export class RuntimeHost {
  readonly db: Db;
  readonly log: KafkajsLog;
  readonly coordinator: JobCoordinator;
  readonly leases: JobLeases;
  private readonly sink: KafkaRecordSink;
  private readonly mirror: KafkaOffsetMirror;
  /** The pruners, on one instance of the cluster at a time. */
  private readonly pruners: Service;
  private readonly checkpointer: WalCheckpointer | null;
  readonly kafka;

  constructor(opts: RuntimeHostOptions) {
    const leaseTtlMs = opts.leaseTtlMs ?? 15_000;
    const sqlite = databaseKind(opts.databaseUrl) !== "postgresql";
    // SQLite: batches' commits leave copying the WAL into the database file to a thread of its own.
    this.checkpointer = sqlite ? new WalCheckpointer(databaseFilePath(opts.databaseUrl)) : null;
    this.db = createRuntimePrismaClient(opts.databaseUrl, leaseTtlMs, { autoCheckpoint: !sqlite });
    // Leases on both databases; SQLite is one machine's, so its one runtime takes every job at once.
    this.leases = new JobLeases({
      db: this.db,
      clock: systemClock,
      identity: instanceIdentity(),
      ttlMs: leaseTtlMs,
      solo: sqlite,
      onLost: (jobId) => this.coordinator.leaseLost(jobId),
    });
    this.kafka = createKafka(opts.brokers, opts.clientId);
    this.log = new KafkajsLog(this.kafka);
    this.sink = new KafkaRecordSink(this.kafka);
    this.mirror = new KafkaOffsetMirror(this.kafka);
    this.coordinator = new JobCoordinator({
      db: this.db,
      log: this.log,
      clock: systemClock,
      ownershipFor: (job) => new StaticOwnership(this.log, job.topics),
      reconcileIntervalMs: opts.reconcileIntervalMs,
      sink: this.sink,
      mirror: this.mirror,
      slots: new BatchSlots(opts.maxConcurrentBatches ?? 2),
      batchDefaults: opts.batchDefaults,
      readAhead: opts.readAhead ?? !sqlite,
      leases: this.leases,
    });
    const db = this.db;
    const { batchRetentionMs, logRetention } = opts;
    this.pruners = leaderGated(
      () => [
        ...(batchRetentionMs === undefined
          ? []
          : [periodicService("batch history pruner", new BatchHistoryPruner({ db, clock: systemClock, policy: { retentionMs: batchRetentionMs, keepPerJob: DEFAULT_KEEP_PER_JOB, chunkSize: DEFAULT_PRUNE_CHUNK } }))]),
        ...(logRetention ? [periodicService("log retention pruner", new LogRetentionPruner({ db, clock: systemClock, policy: { ...logRetention, chunkSize: DEFAULT_LOG_PRUNE_CHUNK } }))] : []),
      ],
      { group: "pruners", databaseUrl: opts.databaseUrl, clock: systemClock, ttlMs: leaseTtlMs },
    );
  }

  async start(): Promise<void> {
    await this.coordinator.start();
    await this.pruners.start();
  }

  /**
   * Stops planning, aborts reads, lets a batch that is committing finish (SQLite makes it all or
   * nothing either way), then closes Kafka and the database.
   */
  async stop(): Promise<void> {
    const step = async (name: string, run: () => Promise<unknown>) => {
      const started = Date.now();
      await run();
      if (process.env.TIDEMARK_DEBUG_STOP) console.log(`[tidemark] stopped ${name} in ${Date.now() - started} ms`);
    };
    await step("pruners", async () => this.pruners.stop());
    await step("coordinator", () => this.coordinator.stop());
    await step("mirror", () => this.mirror.close());
    await step("sink", () => this.sink.close());
    await step("log", () => this.log.close());
    await step("db", () => this.db.$disconnect());
    await step("WAL checkpointer", async () => this.checkpointer?.stop());
  }
}

/** The runtime as the environment configures it (DATABASE_URL, KAFKA_*, TIDEMARK_*): the same wherever it runs. */
export function runtimeHostFromEnv(config: Env): RuntimeHost {
  return new RuntimeHost({
    databaseUrl: config.DATABASE_URL,
    brokers: kafkaBrokers(),
    clientId: `${config.KAFKA_CLIENT_ID}-runtime`,
    reconcileIntervalMs: config.TIDEMARK_RECONCILE_INTERVAL_MS,
    maxConcurrentBatches: config.TIDEMARK_MAX_CONCURRENT_BATCHES,
    batchRetentionMs: batchRetentionMs(config),
    logRetention: {
      auditMs: config.TIDEMARK_AUDIT_RETENTION_DAYS * 86_400_000,
      alertHistoryMs: config.TIDEMARK_ALERT_HISTORY_RETENTION_DAYS * 86_400_000,
      deadLetterMs: config.TIDEMARK_DEAD_LETTER_RETENTION_DAYS * 86_400_000,
      sessionIdleMs: config.TIDEMARK_SESSION_IDLE_MINUTES * 60_000,
    },
    batchDefaults: batchLimitDefaults(config),
    readAhead: config.TIDEMARK_READ_AHEAD === "auto" ? undefined : config.TIDEMARK_READ_AHEAD === "1",
    leaseTtlMs: config.TIDEMARK_LEASE_TTL_MS,
  });
}

function periodicService(name: string, task: { start(): void; stop(): Promise<void> }): Service {
  return { name, start: () => task.start(), stop: () => task.stop() };
}
