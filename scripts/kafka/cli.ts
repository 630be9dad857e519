/**
 * `npm run kafka`: a local Kafka broker in the foreground (Ctrl-C stops it cleanly).
 *   KAFKA_PORT      PLAINTEXT port (default 9092)
 *   KAFKA_DATA_DIR  data directory (default ./data/kafka); data survives restarts
 */
import path from 'node:path';
import { KAFKA_VERSION, startBroker } from './broker';

async function main(): Promise<void> {
  const port = Number(process.env.KAFKA_PORT || 9092);
  const dataDir = path.resolve(process.env.KAFKA_DATA_DIR || 'data/kafka');
  console.log(`Starting Kafka ${KAFKA_VERSION} (data: ${dataDir}) ...`);
  const t0 = Date.now();
  const broker = await startBroker({ dataDir, port });
  console.log(`Kafka ${KAFKA_VERSION} is up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`  bootstrap: ${broker.brokers.join(',')}   (KAFKA_BROKERS=${broker.brokers.join(',')})`);
  console.log(`  log:       ${broker.logFile}`);
  console.log('Ctrl-C to stop.');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Kafka ...`);
    await broker.stop();
    console.log('Kafka stopped.');
    process.exit(0);
  };
  // Registered after startBroker's own handlers, so the process does not exit before the broker has stopped.
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
