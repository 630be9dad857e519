/**
 * The broker's jars: fetched from Maven Central with `mvn dependency:copy-dependencies` on
 * scripts/kafka/pom.xml into `$TIDEMARK_CACHE_DIR` (default ~/.cache/tidemark)/kafka-<version>/libs, once.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installOnce, readIfExists, runMaven } from '../maven-cache';

export { readIfExists, tail } from '../maven-cache';

/** Keep in sync with `<kafka.version>` in scripts/kafka/pom.xml (this constant is passed to Maven and wins). */
export const KAFKA_VERSION = '4.4.0';

const POM = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pom.xml');

const INSTALL_HINT =
  'Install Java 17+ and Maven (Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless maven`), ' +
  'or set KAFKA_BROKERS=host:port to use an existing Kafka broker.';

export function cacheDir(): string {
  return process.env.TIDEMARK_CACHE_DIR || path.join(os.homedir(), '.cache', 'tidemark');
}

function hasCommand(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

export function requireTools(tools: Array<'java' | 'mvn'>): void {
  const missing = tools.filter((t) => !hasCommand(t, t === 'java' ? ['-version'] : ['-v']));
  if (missing.length) {
    throw new Error(`Kafka broker: \`${missing.join('` and `')}\` not found on PATH. ${INSTALL_HINT}`);
  }
}

/** Identifies what was fetched: a changed pom (other logging deps...) re-fetches. */
function installStamp(): string {
  const pom = fs.readFileSync(POM);
  return `${KAFKA_VERSION} ${createHash('sha256').update(pom).digest('hex')}`;
}

/**
 * Makes sure the broker's jars are in the cache and returns the Java classpath.
 * Runs Maven only when `<cache>/kafka-<version>` is missing or was fetched with another pom.
 * Concurrency-safe: each process fetches into its own temp dir and renames it into place;
 * the directory only ever appears complete, and the first rename wins.
 */
export async function ensureKafkaInstalled(): Promise<string> {
  const target = path.join(cacheDir(), `kafka-${KAFKA_VERSION}`);
  const stamp = installStamp();
  requireTools(readIfExists(path.join(target, 'INSTALLED')) === stamp ? ['java'] : ['java', 'mvn']);
  await installOnce(target, stamp, (dir) =>
    runMaven('Kafka install', ['-f', POM, 'dependency:copy-dependencies', `-Dkafka.version=${KAFKA_VERSION}`, `-DoutputDirectory=${path.join(dir, 'libs')}`], path.join(cacheDir(), `kafka-${KAFKA_VERSION}.maven.log`)),
  );
  return path.join(target, 'libs', '*');
}
