/**
 * Small Kafka helpers for tests and scripts, free of any test-runner import (usable from Vitest,
 * Playwright and plain tsx). lib/testing/kafka.ts re-exports them with Vitest-bound defaults.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type ITopicConfig } from 'kafkajs';

/** `<prefix>-<time>-<random>`: topics never collide across tests, files or runs on a reused broker. */
export function uniqueTopicName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * A kafkajs client with test-friendly settings: short retries, and silent logs (kafkajs logs retriable
 * errors such as "coordinator is loading" at ERROR level) unless KAFKAJS_LOG_LEVEL=error|warn|info|debug.
 */
export function quietKafka(brokers: string[], clientId = 'tidemark-test'): Kafka {
  const level = process.env.KAFKAJS_LOG_LEVEL?.toUpperCase() as keyof typeof logLevel | undefined;
  return new Kafka({
    clientId, brokers, logLevel: (level && logLevel[level]) ?? logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
}

/** Creates a topic (replication factor 1) and waits until its partitions have leaders. */
export async function createTopic(
  brokers: string[],
  name: string,
  partitions = 1,
  configEntries?: ITopicConfig['configEntries'],
): Promise<void> {
  const admin = quietKafka(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1, configEntries }], waitForLeaders: false });
    // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which Kafka 4 may answer for
    // a moment after creating a topic: poll the metadata until every partition has a leader instead.
    const deadline = Date.now() + 30_000;
    for (;;) {
      // Leaders in the metadata, and those leaders answering for the partitions (ListOffsets): a produce
      // sent before that can fail after being written, and a plain producer's retry would duplicate it.
      const ready = await (async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
        if (topics[0]?.partitions.length !== partitions || !topics[0].partitions.every((p) => p.leader >= 0)) return false;
        return (await admin.fetchTopicOffsets(name)).length === partitions;
      })().catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topic ${name}: partitions have no leader after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

export interface KcatProduceOptions {
  /** Key/value separator per line (kcat -K); default ':'. Lines without it get a null key. */
  keyDelimiter?: string;
  /** Write every record to this partition (kcat -p); default: kcat's partitioner on the key. */
  partition?: number;
  /** Compress the record batches with this codec (kcat -z); default none. */
  compression?: 'gzip' | 'snappy' | 'lz4' | 'zstd';
  /** Extra kcat arguments, e.g. ['-X', 'linger.ms=20'] or ['-H', 'h=v']. */
  extraArgs?: string[];
}

/**
 * Produces `key<delim>value` lines with kcat (an independent librdkafka client), one record per line.
 * Resolves when kcat has flushed and exited 0.
 */
export function produceWithKcat(brokers: string[], topic: string, lines: string[], opts: KcatProduceOptions = {}): Promise<void> {
  const args = ['-P', '-b', brokers.join(','), '-t', topic, '-K', opts.keyDelimiter ?? ':'];
  if (opts.partition !== undefined) args.push('-p', String(opts.partition));
  if (opts.compression) args.push('-z', opts.compression);
  args.push(...(opts.extraArgs ?? []));
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (err) => reject(new Error(`kcat could not start (apt-get install -y kcat): ${err.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${stderr}`))));
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}
