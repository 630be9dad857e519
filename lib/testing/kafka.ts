/**
 * Kafka helpers for Vitest integration tests (`*.int.test.ts`), on the broker that
 * scripts/test/vitest-global-setup.ts starts (or KAFKA_BROKERS). Imports `vitest`, so it only loads
 * inside Vitest; Playwright and scripts use the runner-free scripts/kafka/tools.ts.
 */
import type { Kafka } from 'kafkajs';
import { inject, type ProvidedContext } from 'vitest';
import { quietKafka } from '../../scripts/kafka/tools';

// Runner-free helpers (also usable from Playwright / plain tsx: import them from scripts/kafka/tools).
export { createTopic, produceWithKcat, quietKafka, uniqueTopicName, type KcatProduceOptions } from '../../scripts/kafka/tools';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap addresses of the test broker. */
    kafkaBrokers: string[];
    /** The test broker's data dir; null for an external broker (KAFKA_BROKERS). */
    kafkaDataDir: string | null;
    /** The test broker's PLAINTEXT port; null for an external broker. */
    kafkaPort: number | null;
    /** http://127.0.0.1:<port> of the globalSetup's control endpoint (POST /stop, /kill, /start); null for an external broker. */
    kafkaControlUrl: string | null;
  }
}

export type KafkaProvidedContext = Pick<ProvidedContext, 'kafkaBrokers' | 'kafkaDataDir' | 'kafkaPort' | 'kafkaControlUrl'>;

/** Bootstrap addresses of the test broker. */
export function testBrokers(): string[] {
  return inject('kafkaBrokers');
}

/** A kafkajs client on the test broker with quiet logs and short retries (see quietKafka). */
export function testKafka(brokers: string[] = testBrokers(), clientId = 'tidemark-test'): Kafka {
  return quietKafka(brokers, clientId);
}

// ---------------------------------------------------------------- stopping/restarting the test broker

/** True when the test broker is ours (not KAFKA_BROKERS) and can be stopped/restarted. */
export function canControlTestBroker(): boolean {
  return inject('kafkaControlUrl') !== null;
}

async function control(action: 'stop' | 'kill' | 'start'): Promise<void> {
  const url = inject('kafkaControlUrl');
  if (!url) throw new Error('The test broker is external (KAFKA_BROKERS): it cannot be stopped or restarted from tests.');
  const res = await fetch(`${url}/${action}`, { method: 'POST' });
  if (!res.ok) throw new Error(`Test broker ${action} failed: ${await res.text()}`);
}

/** Stops the shared test broker (SIGTERM, clean shutdown; or SIGKILL with `{ kill: true }`). Data is kept. */
export function stopTestBroker(opts: { kill?: boolean } = {}): Promise<void> {
  return control(opts.kill ? 'kill' : 'stop');
}

/** Starts the shared test broker again on the same port and data dir; resolves when it answers. */
export function startTestBroker(): Promise<void> {
  return control('start');
}

/** stopTestBroker + startTestBroker. */
export async function restartTestBroker(opts: { kill?: boolean } = {}): Promise<void> {
  await stopTestBroker(opts);
  await startTestBroker();
}
