/**
 * Compatibility check: kafkajs 2.2.4 against the pinned broker (scripts/kafka, Kafka 4.x, KIP-896 removed
 * old protocol versions), plus the low-level fetch path Tidemark's runtime uses. See scripts/kafka/README.md.
 */
import { describe, it, expect, inject, afterAll } from 'vitest';
import { CompressionTypes, type Kafka, type KafkaMessage } from 'kafkajs';
import {
  canControlTestBroker, createTopic, produceWithKcat, restartTestBroker, testBrokers, testKafka, uniqueTopicName,
} from './kafka';

// ---- low-level access: kafkajs' internal Cluster, built with exactly the options of the public Kafka client

/** The subset of kafkajs' internal Cluster/Broker API used here (kafkajs ships no types for it). */
interface LowLevelBroker {
  fetch(req: {
    replicaId?: number; isolationLevel?: number; maxWaitTime?: number; minBytes?: number; maxBytes?: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  }): Promise<FetchResponse>;
}
interface LowLevelCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(b: { nodeId: string }): Promise<LowLevelBroker>;
}
interface FetchRecord {
  offset: string; key: Buffer | null; value: Buffer | null; timestamp: string; headers: Record<string, unknown>;
  isControlRecord: boolean; batchContext: { firstOffset: string; inTransaction: boolean; isControlBatch: boolean; producerId: string };
}
interface FetchResponse {
  throttleTime: number;
  responses: Array<{
    topicName: string;
    partitions: Array<{
      partition: number; errorCode: number; highWatermark: string; lastStableOffset: string; lastStartOffset: string;
      abortedTransactions: Array<{ producerId: string; firstOffset: string }>; preferredReadReplica: number;
      messages: FetchRecord[];
    }>;
  }>;
}

/** The public Kafka class keeps its cluster factory under a private symbol; reuse it (same socket factory, logger, retry). */
function createCluster(kafka: Kafka, opts: { isolationLevel?: number } = {}): LowLevelCluster {
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!sym) throw new Error('kafkajs internals changed: no private:Kafka:createCluster');
  return (kafka as unknown as Record<symbol, (o: object) => LowLevelCluster>)[sym]({ allowAutoTopicCreation: false, ...opts });
}

const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

async function fetchRange(cluster: LowLevelCluster, topic: string, partition: number, fetchOffset: number, isolationLevel = READ_COMMITTED) {
  await cluster.addTargetTopic(topic);
  await cluster.refreshMetadata();
  const leaders = cluster.findLeaderForPartitions(topic, [partition]);
  const [nodeId] = Object.keys(leaders);
  const broker = await cluster.findBroker({ nodeId });
  return broker.fetch({
    isolationLevel, maxWaitTime: 100, minBytes: 1, maxBytes: 1 << 20,
    topics: [{ topic, partitions: [{ partition, fetchOffset: String(fetchOffset), maxBytes: 1 << 20 }] }],
  });
}

async function fetchRangeWithMaxBytes(cluster: LowLevelCluster, topic: string, partition: number, fetchOffset: number, maxBytes: number) {
  const [nodeId] = Object.keys(cluster.findLeaderForPartitions(topic, [partition]));
  const broker = await cluster.findBroker({ nodeId });
  return broker.fetch({
    maxWaitTime: 100, minBytes: 1, maxBytes,
    topics: [{ topic, partitions: [{ partition, fetchOffset: String(fetchOffset), maxBytes }] }],
  });
}

// ----

const brokers = testBrokers();
const kafka = testKafka(brokers);
const toClose: Array<{ disconnect(): Promise<void> }> = [];
afterAll(async () => { await Promise.all(toClose.map((c) => c.disconnect().catch(() => {}))); });

async function connected<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(c: T): Promise<T> {
  await c.connect();
  toClose.push(c);
  return c;
}

/**
 * Runs a consumer group until `count` messages arrived, commits what it read, then stops.
 * (The explicit commit: kafkajs resolves a message's offset only after eachMessage returns, so a
 * disconnect right after the last message may not have committed it yet.)
 */
async function consumeN(topic: string, groupId: string, count: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const consumer = await connected(kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1000 }));
  await consumer.subscribe({ topic, fromBeginning: true });
  // A consumer group delivers at least once: a rebalance while joining may hand a partition out again
  // before anything was committed. Count each (partition, offset) once.
  const got = new Map<string, KafkaMessage>();
  const next = new Map<number, string>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${got.size}/${count} messages`)), timeoutMs);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        got.set(`${partition}:${message.offset}`, message);
        const after = BigInt(message.offset) + 1n;
        if (after > BigInt(next.get(partition) ?? 0)) next.set(partition, String(after));
        if (got.size >= count) { clearTimeout(timer); resolve(); }
      },
    });
  });
  await consumer.commitOffsets([...next].map(([partition, offset]) => ({ topic, partition, offset })));
  await consumer.disconnect();
  return [...got.values()];
}

describe('kafkajs 2.2.4 against the test broker', () => {
  it('provides the broker through inject()', () => {
    expect(inject('kafkaBrokers').length).toBeGreaterThan(0);
  });

  it('admin: createTopics, fetchTopicMetadata, offsets by time; idempotent producer', async () => {
    const topic = uniqueTopicName('compat-admin');
    const admin = await connected(kafka.admin());
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 4, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);
    expect(await admin.listTopics()).toContain(topic);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
    expect(meta.topics[0].partitions.every((p) => p.leader === 1)).toBe(true);

    const producer = await connected(kafka.producer({ idempotent: true, maxInFlightRequests: 1 }));
    const before = Date.now();
    const res = await producer.send({
      topic, acks: -1, compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 4, key: `k${i}`, value: `v${i}` })),
    });
    expect(res.map((r) => r.errorCode)).toEqual([0, 0, 0, 0]);

    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.map((o) => [o.partition, o.low, o.high]).sort()).toEqual([[0, '0', '5'], [1, '0', '5'], [2, '0', '5'], [3, '0', '5']]);
    const byTimeBefore = await admin.fetchTopicOffsetsByTimestamp(topic, before - 60_000);
    expect(byTimeBefore.every((o) => o.offset === '0')).toBe(true);
    const byTimeAfter = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() + 60_000);
    expect(byTimeAfter.every((o) => o.offset === '5')).toBe(true); // no record that late: the end offset
  });

  it('consumer group: subscribe/run, listGroups, describeGroups, fetchOffsets, setOffsets', async () => {
    const topic = uniqueTopicName('compat-group');
    const groupId = uniqueTopicName('g');
    await createTopic(brokers, topic, 4);
    const producer = await connected(kafka.producer());
    await producer.send({ topic, messages: Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });

    const got = await consumeN(topic, groupId, 12);
    expect(got.map((m) => m.value?.toString()).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `v${i}`).sort());

    const admin = await connected(kafka.admin());
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId)).toContain(groupId);
    const described = await admin.describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ groupId, protocolType: 'consumer', state: 'Empty' });

    // Committed = end offset on every partition that got records; '-1' (no commit) where none did.
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    for (const { partition, offset } of committed[0].partitions) {
      const high = ends.find((e) => e.partition === partition)!.high;
      expect(offset).toBe(high === '0' ? '-1' : high);
    }

    await admin.setOffsets({ groupId, topic, partitions: [0, 1, 2, 3].map((partition) => ({ partition, offset: '0' })) });
    const reset = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(reset[0].partitions.map((p) => p.offset)).toEqual(['0', '0', '0', '0']);
    // The group reads everything again from the reset offsets.
    expect((await consumeN(topic, groupId, 12)).length).toBe(12);

    await admin.deleteGroups([groupId]);
  });

  it('kcat-produced keyed records read back with kafkajs', async () => {
    const topic = uniqueTopicName('compat-kcat');
    await createTopic(brokers, topic, 2);
    const lines = Array.from({ length: 10 }, (_, i) => `user-${i % 3}:{"n":${i}}`);
    await produceWithKcat(brokers, topic, lines);
    const got = await consumeN(topic, uniqueTopicName('g'), 10);
    const pairs = got.map((m) => `${m.key?.toString()}:${m.value?.toString()}`).sort();
    expect(pairs).toEqual([...lines].sort());
    // Same key, same partition, in order (kcat's partitioner is consistent per key).
    const byKey = new Map<string, number[]>();
    for (const m of got) {
      const k = m.key!.toString();
      byKey.set(k, [...(byKey.get(k) ?? []), JSON.parse(m.value!.toString()).n]);
    }
    for (const ns of byKey.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b));
  });

  it('low-level Cluster -> broker.fetch: response shape, batch boundaries', async () => {
    const topic = uniqueTopicName('compat-fetch');
    await createTopic(brokers, topic, 1);
    const producer = await connected(kafka.producer());
    // Two batches: offsets 0..4 and 5..9.
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ key: 'k', value: `a${i}` })) });
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ key: 'k', value: `b${i}`, headers: { h: 'x' } })) });

    const cluster = createCluster(kafka);
    await cluster.connect();
    toClose.push(cluster);
    const res = await fetchRange(cluster, topic, 0, 7);
    expect(res.responses).toHaveLength(1);
    expect(res.responses[0].topicName).toBe(topic);
    const p = res.responses[0].partitions[0];
    expect(p).toMatchObject({ partition: 0, errorCode: 0, highWatermark: '10', lastStableOffset: '10', lastStartOffset: '0', abortedTransactions: [] });
    // The broker returns whole batches: fetching from 7 gives the batch starting at 5.
    expect(p.messages.map((m) => m.offset)).toEqual(['5', '6', '7', '8', '9']);
    expect(p.messages[0]).toMatchObject({ isControlRecord: false, batchContext: { firstOffset: '5', inTransaction: false } });
    expect(p.messages[0].value?.toString()).toBe('b0');
    expect(p.messages[0].headers.h?.toString()).toBe('x');
    const wanted = p.messages.filter((m) => BigInt(m.offset) >= 7n);
    expect(wanted.map((m) => m.value?.toString())).toEqual(['b2', 'b3', 'b4']);

    // maxBytes is soft for the first batch (KIP-74): a batch larger than the limit still comes back whole.
    const big = await fetchRangeWithMaxBytes(cluster, topic, 0, 0, 64);
    expect(big.responses[0].partitions[0].messages.map((m) => m.offset)).toEqual(['0', '1', '2', '3', '4']);

    // At the end of the log: no records, no error.
    const atEnd = await fetchRange(cluster, topic, 0, 10);
    expect(atEnd.responses[0].partitions[0]).toMatchObject({ errorCode: 0, messages: [] });
    // Past the end: OFFSET_OUT_OF_RANGE is thrown by kafkajs' response parser.
    await expect(fetchRange(cluster, topic, 0, 50)).rejects.toMatchObject({ type: 'OFFSET_OUT_OF_RANGE' });
  });

  it('transactions: commit/abort, control records and aborted transactions in the low-level fetch', async () => {
    const topic = uniqueTopicName('compat-txn');
    await createTopic(brokers, topic, 1);
    const producer = await connected(kafka.producer({ transactionalId: uniqueTopicName('tx'), maxInFlightRequests: 1, idempotent: true }));

    const t1 = await producer.transaction();
    await t1.send({ topic, messages: [{ value: 'c0' }, { value: 'c1' }] });
    await t1.commit(); // offsets 0,1 + commit marker at 2
    const t2 = await producer.transaction();
    await t2.send({ topic, messages: [{ value: 'x0' }] });
    await t2.abort(); // offset 3 + abort marker at 4
    const t3 = await producer.transaction();
    await t3.send({ topic, messages: [{ value: 'c2' }] });
    await t3.commit(); // offset 5 + commit marker at 6

    const cluster = createCluster(kafka);
    await cluster.connect();
    toClose.push(cluster);

    const uncommitted = (await fetchRange(cluster, topic, 0, 0, READ_UNCOMMITTED)).responses[0].partitions[0];
    expect(uncommitted.messages.map((m) => [m.offset, m.isControlRecord, m.value?.length ?? null])).toEqual([
      ['0', false, 2], ['1', false, 2], ['2', true, 6], ['3', false, 2], ['4', true, 6], ['5', false, 2], ['6', true, 6],
    ]);
    expect(uncommitted.highWatermark).toBe('7');
    // Control record key: int16 version, int16 type (0 = ABORT, 1 = COMMIT).
    const markers = uncommitted.messages.filter((m) => m.isControlRecord);
    expect(markers.map((m) => m.key!.readInt16BE(2))).toEqual([1, 0, 1]);
    expect(markers.every((m) => m.batchContext.isControlBatch)).toBe(true);

    // read_committed: the broker still returns the aborted records and the markers; it lists the aborted
    // transactions so the client can drop them (kafkajs' consumer does that in its Batch class).
    const committed = (await fetchRange(cluster, topic, 0, 0, READ_COMMITTED)).responses[0].partitions[0];
    expect(committed.lastStableOffset).toBe('7');
    expect(committed.abortedTransactions).toHaveLength(1);
    expect(committed.abortedTransactions[0].firstOffset).toBe('3');
    expect(committed.messages.map((m) => m.offset)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(committed.messages.every((m) => m.batchContext.inTransaction)).toBe(true);

    // The high-level consumer (read_committed by default) sees only the committed data records.
    const got = await consumeN(topic, uniqueTopicName('g'), 3);
    expect(got.map((m) => m.value?.toString())).toEqual(['c0', 'c1', 'c2']);
  });
});

describe.runIf(canControlTestBroker())('test broker stop/restart', () => {
  it('keeps data across a clean restart and a SIGKILL restart; clients reconnect', async () => {
    const topic = uniqueTopicName('compat-restart');
    await createTopic(brokers, topic, 2);
    const producer = await connected(kafka.producer());
    await producer.send({ topic, messages: [{ partition: 0, value: 'before' }] });

    await restartTestBroker();
    await producer.send({ topic, messages: [{ partition: 0, value: 'after-clean-restart' }] });

    await restartTestBroker({ kill: true });
    await producer.send({ topic, messages: [{ partition: 0, value: 'after-kill' }] });

    const admin = await connected(kafka.admin());
    // Right after a SIGKILL restart the partition may not have its leader yet: ListOffsets then answers
    // NOT_LEADER_OR_FOLLOWER, which kafkajs' admin does not retry.
    let offsets: Awaited<ReturnType<typeof admin.fetchTopicOffsets>> = [];
    for (let attempt = 1; ; attempt++) {
      try {
        offsets = await admin.fetchTopicOffsets(topic);
        break;
      } catch (error) {
        if (attempt >= 20 || (error as { type?: string }).type !== 'NOT_LEADER_FOR_PARTITION') throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    expect(offsets.find((o) => o.partition === 0)?.high).toBe('3');
    const got = await consumeN(topic, uniqueTopicName('g'), 3);
    expect(got.map((m) => m.value?.toString())).toEqual(['before', 'after-clean-restart', 'after-kill']);
  }, 120_000);
});
