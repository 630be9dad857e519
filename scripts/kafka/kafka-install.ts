/**
 * The broker's jars: fetched from Maven Central with `mvn dependency:copy-dependencies` on
 * scripts/kafka/pom.xml into `$TIDEMARK_CACHE_DIR` (default ~/.cache/tidemark)/kafka-<version>/libs, once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

function runMaven(libsDir: string, logFile: string): Promise<void> {
  const args = ['-q', '-B', '-Dstyle.color=never', '-f', POM, 'dependency:copy-dependencies',
    `-Dkafka.version=${KAFKA_VERSION}`, `-DoutputDirectory=${libsDir}`];
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'w');
    const child = spawn('mvn', args, { stdio: ['ignore', out, out] });
    child.on('error', (err) => { fs.closeSync(out); reject(err); });
    child.on('exit', (code) => {
      fs.closeSync(out);
      if (code === 0) return resolve();
      reject(new Error(`Kafka install: \`mvn ${args.join(' ')}\` failed (exit ${code}).\n` +
        `--- ${logFile} ---\n${tail(logFile, 60)}`));
    });
  });
}

/**
 * Makes sure the broker's jars are in the cache and returns the Java classpath.
 * Runs Maven only when `<cache>/kafka-<version>` is missing or was fetched with another pom.
 * Concurrency-safe: each process fetches into its own temp dir and renames it into place;
 * the directory only ever appears complete, and the first rename wins.
 */
export async function ensureKafkaInstalled(): Promise<string> {
  const root = cacheDir();
  const target = path.join(root, `kafka-${KAFKA_VERSION}`);
  const stampFile = path.join(target, 'INSTALLED');
  const stamp = installStamp();
  const classpath = path.join(target, 'libs', '*');
  if (readIfExists(stampFile) === stamp) {
    requireTools(['java']);
    return classpath;
  }

  requireTools(['java', 'mvn']);
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, `.kafka-${KAFKA_VERSION}-`));
  fs.chmodSync(tmp, 0o755);
  try {
    await runMaven(path.join(tmp, 'libs'), path.join(root, `kafka-${KAFKA_VERSION}.maven.log`));
    fs.writeFileSync(path.join(tmp, 'INSTALLED'), stamp);
    if (fs.existsSync(target) && readIfExists(stampFile) !== stamp) {
      // Fetched with an older pom: move it aside atomically, then delete it.
      const old = `${tmp}.old`;
      try { fs.renameSync(target, old); fs.rmSync(old, { recursive: true, force: true }); } catch { /* raced */ }
    }
    try {
      fs.renameSync(tmp, target);
    } catch (err) {
      // Another process won the race (target exists and is not empty): use theirs.
      if (readIfExists(stampFile) !== stamp) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return classpath;
}

export function readIfExists(file: string): string | null {
  try { return fs.readFileSync(file, 'utf8').trim(); } catch { return null; }
}

export function tail(file: string, lines: number): string {
  return (readIfExists(file) ?? '(no log)').split('\n').slice(-lines).join('\n');
}
