/**
 * Kafka's own command-line tools (the `org.apache.kafka:kafka-tools` artifact, same version as the
 * broker) as an independent oracle for tests and scripts: the Java console producer and consumer,
 * consumer-groups, delete-records... Runner-free (usable from Vitest, Playwright and plain tsx).
 *
 * The tools jar is fetched once with Maven into `<cache>/kafka-<version>-tools`; the rest of its
 * classpath is the broker's cached jars (scripts/kafka/broker.ts), which hold everything the tools
 * need (kafka-clients, the codecs, argparse4j, jackson...). Cached runs start in ~0.3 s of JVM.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installOnce, runMaven } from '../maven-cache';
import { KAFKA_VERSION, cacheDir, ensureKafkaInstalled } from './kafka-install';

export const KAFKA_TOOLS_ARTIFACT = `org.apache.kafka:kafka-tools:${KAFKA_VERSION}`;
const TOOLS_JAR = `kafka-tools-${KAFKA_VERSION}.jar`;
const JVM_FLAGS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-Djava.awt.headless=true'];
const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * The Java classpath of Kafka's tools: Maven runs only when the tools jar is not cached yet.
 * Concurrency-safe as the broker install is: fetch into a temp dir, rename into place.
 */
export async function ensureKafkaToolsInstalled(): Promise<string> {
  const brokerClasspath = await ensureKafkaInstalled();
  const target = path.join(cacheDir(), `kafka-${KAFKA_VERSION}-tools`);
  await installOnce(target, KAFKA_TOOLS_ARTIFACT, async (dir) => {
    await runMaven('Kafka tools install', ['dependency:copy', `-Dartifact=${KAFKA_TOOLS_ARTIFACT}`, `-DoutputDirectory=${dir}`], path.join(cacheDir(), `kafka-${KAFKA_VERSION}-tools.maven.log`));
    if (!fs.existsSync(path.join(dir, TOOLS_JAR))) throw new Error(`Kafka tools install: Maven left no ${TOOLS_JAR} in ${dir}`);
  });
  return [path.join(target, '*'), brokerClasspath].join(path.delimiter);
}

export interface KafkaToolOptions {
  /** Written to the tool's stdin, which is then closed (the console producer's records, one per line). */
  input?: string;
  /** Kill the tool after this long (default 120 s). */
  timeoutMs?: number;
}

/**
 * Runs one of Kafka's CLI classes (e.g. `org.apache.kafka.tools.ConsoleProducer`,
 * `org.apache.kafka.tools.consumer.ConsoleConsumer`, `org.apache.kafka.tools.DeleteRecordsCommand`)
 * with `--bootstrap-server <brokers>` before `args`, and resolves to its stdout once it exits 0.
 */
export async function runKafkaTool(brokers: string[], className: string, args: string[], opts: KafkaToolOptions = {}): Promise<string> {
  const classpath = await ensureKafkaToolsInstalled();
  const javaArgs = [...JVM_FLAGS, '-cp', classpath, className, '--bootstrap-server', brokers.join(','), ...args];
  const name = className.split('.').pop();
  return new Promise((resolve, reject) => {
    const child = spawn('java', javaArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not finish in ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms: ${args.join(' ')}\n${stderr.slice(-2000)}`));
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`java could not start (apt-get install -y openjdk-17-jre-headless): ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${name} ${args.join(' ')} exited ${code ?? signal}: ${stderr.slice(-2000)}`));
    });
    child.stdin.on('error', () => { /* the tool exited before reading all input: its exit code tells */ });
    child.stdin.end(opts.input ?? '');
  });
}

export interface JavaProduceOptions {
  /** Key/value separator per line; default ':'. Every line must hold it. */
  keyDelimiter?: string;
  /** The Java client's `compression.type`; default none. */
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  /** More producer configs, e.g. `{ 'linger.ms': '20', 'batch.size': '4000' }`. */
  producerProperties?: Record<string, string>;
}

/**
 * Produces `key<delim>value` lines with Kafka's Java console producer (the Java client, with its own
 * codec implementations), one record per line; resolves once it has flushed and exited 0.
 */
export async function produceWithJavaProducer(brokers: string[], topic: string, lines: string[], opts: JavaProduceOptions = {}): Promise<void> {
  const args = ['--topic', topic, '--reader-property', 'parse.key=true', '--reader-property', `key.separator=${opts.keyDelimiter ?? ':'}`];
  if (opts.compression) args.push('--compression-codec', opts.compression);
  for (const [name, value] of Object.entries(opts.producerProperties ?? {})) args.push('--command-property', `${name}=${value}`);
  await runKafkaTool(brokers, 'org.apache.kafka.tools.ConsoleProducer', args, { input: lines.map((l) => `${l}\n`).join('') });
}
