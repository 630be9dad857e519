/**
 * Vitest globalSetup for the `integration` project: one Kafka broker for the whole run.
 *
 * - KAFKA_BROKERS set (comma-separated): reuse that broker; nothing is started, restart is unavailable.
 * - Otherwise: start a real broker (scripts/kafka/broker.ts) on free ports with a temp data dir.
 *
 * Provides to tests (read them through lib/testing/kafka.ts):
 *   kafkaBrokers     string[]       bootstrap addresses
 *   kafkaDataDir     string | null  the broker's data dir (null for an external broker)
 *   kafkaPort        number | null  the broker's PLAINTEXT port
 *   kafkaControlUrl  string | null  http://127.0.0.1:<port>: POST /stop, /kill, /start
 *
 * The broker is a child of this (main Vitest) process, so it outlives every test file; tests in worker
 * processes stop and restart it through the small HTTP control endpoint (same port and data dir, data kept).
 * Set TIDEMARK_KEEP_KAFKA_DATA=1 to keep the data dir after the run.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startBroker, type LocalBroker } from '../kafka/broker';
export type { KafkaProvidedContext } from '../../lib/testing/kafka'; // brings in the ProvidedContext typing

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.KAFKA_BROKERS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (external?.length) {
    project.provide('kafkaBrokers', external);
    project.provide('kafkaDataDir', null);
    project.provide('kafkaPort', null);
    project.provide('kafkaControlUrl', null);
    return async () => {};
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-kafka-'));
  let broker: LocalBroker | null = await startBroker({ dataDir });
  const { port, controllerPort } = broker;
  const control = await startControlServer({
    stop: async () => { await broker?.stop(); broker = null; },
    kill: async () => { broker?.kill(); broker = null; },
    start: async () => { broker ??= await startBroker({ dataDir, port, controllerPort }); },
  });

  project.provide('kafkaBrokers', broker.brokers);
  project.provide('kafkaDataDir', dataDir);
  project.provide('kafkaPort', port);
  project.provide('kafkaControlUrl', control.url);

  return async () => {
    await control.close();
    await broker?.stop();
    if (!process.env.TIDEMARK_KEEP_KAFKA_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

type Actions = Record<'stop' | 'kill' | 'start', () => Promise<void>>;

/** POST /stop | /kill | /start → 204 when done, 500 with the error message otherwise. Requests run one at a time. */
async function startControlServer(actions: Actions): Promise<{ url: string; close(): Promise<void> }> {
  let queue = Promise.resolve();
  const server = http.createServer((req, res) => {
    const action = actions[(req.url ?? '').slice(1) as keyof Actions];
    if (req.method !== 'POST' || !action) {
      res.writeHead(404).end();
      return;
    }
    queue = queue.then(action).then(
      () => { res.writeHead(204).end(); },
      (err: unknown) => { res.writeHead(500).end(err instanceof Error ? err.message : String(err)); },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
