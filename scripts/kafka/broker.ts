/**
 * A real Apache Kafka broker (KRaft, single node) for development and tests.
 *
 * The broker's jars come from Maven Central through `mvn dependency:copy-dependencies` on
 * scripts/kafka/pom.xml, cached in `$TIDEMARK_CACHE_DIR` (default ~/.cache/tidemark)/kafka-<version>/libs,
 * and run with the machine's Java 17+. See scripts/kafka/README.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

/** Keep in sync with `<kafka.version>` in scripts/kafka/pom.xml (this constant is passed to Maven and wins). */
export const KAFKA_VERSION = '4.4.0';

export interface StartBrokerOptions {
  /** Holds server.properties, log4j2.properties, broker.pid, broker.log and the log dirs (`logs/`). */
  dataDir: string;
  /** PLAINTEXT port on 127.0.0.1; a free port when omitted. */
  port?: number;
  /** KRaft controller port on 127.0.0.1; a free port when omitted. */
  controllerPort?: number;
  /** JVM -Xmx in MiB (default 512). */
  heapMb?: number;
  /** Broker stdout/stderr (appended); default `<dataDir>/broker.log`. */
  logFile?: string;
  /** Also listen with SASL/PLAIN on a second port, accepting these users (name → password). */
  saslPlainUsers?: Record<string, string>;
  /**
   * SCRAM users (name → password), stored as SCRAM-SHA-256 and SCRAM-SHA-512 credentials when the log
   * dir is formatted; the SASL listener then offers SCRAM-SHA-256 and SCRAM-SHA-512 too.
   */
  saslScramUsers?: Record<string, string>;
  /** Also listen with TLS on another port (see BrokerTls). */
  tls?: BrokerTls;
}

/** A TLS listener: the broker's PKCS#12 keystore (key and certificate chain) and a PEM truststore of client CAs. */
export interface BrokerTls {
  keystoreFile: string;
  keystorePassword: string;
  /** PEM file of the CA(s) whose client certificates the broker accepts. */
  truststorePemFile: string;
  /** `required`: clients must present a certificate signed by the truststore's CA (mutual TLS). */
  clientAuth: 'required' | 'none';
}

export interface LocalBroker {
  brokers: string[];
  port: number;
  controllerPort: number;
  dataDir: string;
  pid: number;
  logFile: string;
  /** The SASL_PLAINTEXT listener, when saslPlainUsers or saslScramUsers was given. */
  saslBrokers?: string[];
  /** The SSL listener, when tls was given. */
  tlsBrokers?: string[];
  /** SIGTERM, wait for exit (SIGKILL after 20 s). */
  stop(): Promise<void>;
  /** SIGKILL, no waiting (a later startBroker on the same dataDir waits for the old process to go). */
  kill(): void;
}

const SCRIPT_DIR = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(SCRIPT_DIR, 'pom.xml');
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

const INSTALL_HINT =
  'Install Java 17+ and Maven (Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless maven`), ' +
  'or set KAFKA_BROKERS=host:port to use an existing Kafka broker.';

// ---------------------------------------------------------------- install

export function cacheDir(): string {
  return process.env.TIDEMARK_CACHE_DIR || path.join(os.homedir(), '.cache', 'tidemark');
}

function hasCommand(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function requireTools(tools: Array<'java' | 'mvn'>): void {
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

// ---------------------------------------------------------------- config files

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function serverProperties(o: {
  dataDir: string;
  port: number;
  controllerPort: number;
  sasl?: SaslListener;
  tls?: BrokerTls & { port: number };
}): string {
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${o.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${o.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': path.join(o.dataDir, 'logs'),
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    // After a SIGKILL the controller refuses the restarted broker's registration until the old
    // session expires (default 9 s): shorter sessions make kill+restart take ~5 s instead of ~13 s.
    'broker.heartbeat.interval.ms': 500,
    'broker.session.timeout.ms': 4000,
    'auto.create.topics.enable': 'false',
  };
  if (o.sasl) {
    props.listeners += `,SASL_PLAINTEXT://127.0.0.1:${o.sasl.port}`;
    props['advertised.listeners'] += `,SASL_PLAINTEXT://127.0.0.1:${o.sasl.port}`;
    props['listener.security.protocol.map'] += ',SASL_PLAINTEXT:SASL_PLAINTEXT';
    const mechanisms: string[] = [];
    if (o.sasl.plainUsers) {
      const users = Object.entries(o.sasl.plainUsers).map(([name, password]) => `user_${name}="${password}"`).join(' ');
      mechanisms.push('PLAIN');
      props['listener.name.sasl_plaintext.plain.sasl.jaas.config'] =
        `org.apache.kafka.common.security.plain.PlainLoginModule required ${users};`;
    }
    if (o.sasl.scramUsers) {
      // The credentials themselves live in the metadata log (added at format time).
      for (const mechanism of SCRAM_MECHANISMS) {
        mechanisms.push(mechanism);
        props[`listener.name.sasl_plaintext.${mechanism.toLowerCase()}.sasl.jaas.config`] =
          'org.apache.kafka.common.security.scram.ScramLoginModule required;';
      }
    }
    props['sasl.enabled.mechanisms'] = mechanisms.join(',');
  }
  if (o.tls) {
    props.listeners += `,SSL://127.0.0.1:${o.tls.port}`;
    props['advertised.listeners'] += `,SSL://127.0.0.1:${o.tls.port}`;
    props['listener.security.protocol.map'] += ',SSL:SSL';
    props['listener.name.ssl.ssl.keystore.type'] = 'PKCS12';
    props['listener.name.ssl.ssl.keystore.location'] = o.tls.keystoreFile;
    props['listener.name.ssl.ssl.keystore.password'] = o.tls.keystorePassword;
    props['listener.name.ssl.ssl.key.password'] = o.tls.keystorePassword;
    props['listener.name.ssl.ssl.truststore.type'] = 'PEM';
    props['listener.name.ssl.ssl.truststore.location'] = o.tls.truststorePemFile;
    props['listener.name.ssl.ssl.client.auth'] = o.tls.clientAuth;
  }
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

function log4jProperties(level: 'INFO' | 'WARN'): string {
  return [
    'status = warn',
    'appender.out.type = Console',
    'appender.out.name = OUT',
    'appender.out.layout.type = PatternLayout',
    'appender.out.layout.pattern = [%d] %p %m (%c)%n',
    `rootLogger.level = ${level}`,
    'rootLogger.appenderRef.out.ref = OUT',
    // The config dump at startup is long and rarely useful.
    'logger.config.name = org.apache.kafka.common.config.AbstractConfig',
    'logger.config.level = WARN',
    '',
  ].join('\n');
}

/** Kafka's Uuid.randomUuid(): 16 random bytes, URL-safe base64, never starting with '-'. */
function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

interface SaslListener {
  port: number;
  plainUsers?: Record<string, string>;
  scramUsers?: Record<string, string>;
}

function writeConfig(dataDir: string, port: number, controllerPort: number, sasl?: SaslListener, tls?: BrokerTls & { port: number }): string {
  fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const file = path.join(dataDir, 'server.properties');
  fs.writeFileSync(file, serverProperties({ dataDir, port, controllerPort, sasl, tls }));
  fs.writeFileSync(path.join(dataDir, 'log4j2.properties'), log4jProperties('INFO'));
  fs.writeFileSync(path.join(dataDir, 'log4j2-tools.properties'), log4jProperties('WARN'));
  return file;
}

/** Formats the log dir with Kafka's StorageTool, once: an existing meta.properties keeps the data. */
function formatIfNeeded(classpath: string, dataDir: string, propsFile: string, scramUsers: Record<string, string> = {}): void {
  if (fs.existsSync(path.join(dataDir, 'logs', 'meta.properties'))) return;
  const scram = Object.entries(scramUsers).flatMap(([name, password]) =>
    SCRAM_MECHANISMS.flatMap((mechanism) => ['--add-scram', `${mechanism}=[name=${name},password=${password}]`]));
  const r = spawnSync('java', [
    ...jvmFlags(128, path.join(dataDir, 'log4j2-tools.properties')), '-cp', classpath,
    'kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', propsFile, ...scram,
  ], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`Kafka StorageTool format failed (exit ${r.status}):\n${r.stdout}${r.stderr}${r.error ?? ''}`);
  }
}

// ---------------------------------------------------------------- process

function jvmFlags(heapMb: number, log4jConfig: string): string[] {
  return [
    `-Xmx${heapMb}m`, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto',
    '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4jConfig}`,
  ];
}

/** True when pid is a live kafka.Kafka process started on this dataDir (Linux /proc; else unknown = false). */
function isOurBroker(pid: number, propsFile: string): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(propsFile);
  } catch {
    return false;
  }
}

/** A broker left from a crashed or SIGKILLed parent holds the log dir lock and the ports: end it. */
async function killStaleBroker(pidFile: string, propsFile: string): Promise<void> {
  const pid = Number(readIfExists(pidFile));
  if (!pid || !isOurBroker(pid, propsFile)) return;
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isOurBroker(pid, propsFile) && Date.now() < deadline) await sleep(50);
}

function spawnBroker(classpath: string, dataDir: string, propsFile: string, heapMb: number, logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n==== ${new Date().toISOString()} starting Kafka ${KAFKA_VERSION} ====\n`);
  const child = spawn('java', [
    ...jvmFlags(heapMb, path.join(dataDir, 'log4j2.properties')), '-cp', classpath, 'kafka.Kafka', propsFile,
  ], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

/**
 * The broker must not outlive this process. 'exit' and the signals cover normal ends and Ctrl-C;
 * a tiny shell watchdog covers a SIGKILLed parent.
 */
function tieToParent(child: ChildProcess): () => void {
  const killChild = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } };
  const onSignal = (signal: NodeJS.Signals) => {
    // Someone else handles this signal (the CLI's clean stop, a test runner): leave it to them;
    // the 'exit' hook still kills the broker if they exit without stopping it.
    if (process.listenerCount(signal) > 1) return;
    // Only us: kill the broker and keep the default behaviour (the process ends).
    killChild();
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  };
  process.on('exit', killChild);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const watchdog = spawn('sh', ['-c',
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill -9 "$2" 2>/dev/null',
    'watchdog', String(process.pid), String(child.pid)], { stdio: 'ignore', detached: true });
  watchdog.unref();
  return () => {
    process.removeListener('exit', killChild);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGHUP', onSignal);
    try { watchdog.kill('SIGKILL'); } catch { /* gone */ }
  };
}

/** Resolves once the broker answers a metadata request; rejects on exit or after the timeout, with the log tail. */
async function waitUntilReady(child: ChildProcess, exited: Promise<unknown>, brokers: string[], logFile: string): Promise<void> {
  const kafka = new Kafka({
    clientId: 'tidemark-broker-probe', brokers, logLevel: logLevel.NOTHING,
    connectionTimeout: 1000, retry: { retries: 0 },
  });
  let gone = false;
  void exited.then(() => { gone = true; });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!gone && Date.now() < deadline) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return;
    } catch {
      await sleep(200);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
  const why = gone ? `exited (code ${child.exitCode}, signal ${child.signalCode})`
    : `did not answer within ${START_TIMEOUT_MS / 1000} s`;
  throw new Error(`Kafka broker on ${brokers.join(',')} ${why}. Last lines of ${logFile}:\n${tail(logFile, 40)}`);
}

/** Starts a single-node KRaft broker; resolves when it answers metadata requests. */
export async function startBroker(opts: StartBrokerOptions): Promise<LocalBroker> {
  const classpath = await ensureKafkaInstalled();
  const dataDir = path.resolve(opts.dataDir);
  const port = opts.port ?? await findFreePort();
  let controllerPort = opts.controllerPort ?? await findFreePort();
  while (controllerPort === port) controllerPort = await findFreePort();
  const logFile = opts.logFile ?? path.join(dataDir, 'broker.log');
  const pidFile = path.join(dataDir, 'broker.pid');

  const propsFile = path.join(dataDir, 'server.properties');
  await killStaleBroker(pidFile, propsFile);
  const sasl = opts.saslPlainUsers || opts.saslScramUsers
    ? { port: await findFreePort(), plainUsers: opts.saslPlainUsers, scramUsers: opts.saslScramUsers }
    : undefined;
  const tls = opts.tls ? { ...opts.tls, port: await findFreePort() } : undefined;
  writeConfig(dataDir, port, controllerPort, sasl, tls);
  formatIfNeeded(classpath, dataDir, propsFile, opts.saslScramUsers);

  const child = spawnBroker(classpath, dataDir, propsFile, opts.heapMb ?? 512, logFile);
  const untie = tieToParent(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => { untie(); if (readIfExists(pidFile) === String(child.pid)) fs.rmSync(pidFile, { force: true }); });
  fs.writeFileSync(pidFile, String(child.pid));

  const brokers = [`127.0.0.1:${port}`];
  try {
    await waitUntilReady(child, exited, brokers, logFile);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }

  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    brokers, port, controllerPort, dataDir, logFile, pid: child.pid!,
    ...(sasl ? { saslBrokers: [`127.0.0.1:${sasl.port}`] } : {}),
    ...(tls ? { tlsBrokers: [`127.0.0.1:${tls.port}`] } : {}),
    async stop() {
      if (!isRunning()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
    kill() {
      if (isRunning()) child.kill('SIGKILL');
    },
  };
}

// ---------------------------------------------------------------- small utils

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function readIfExists(file: string): string | null {
  try { return fs.readFileSync(file, 'utf8').trim(); } catch { return null; }
}

function tail(file: string, lines: number): string {
  return (readIfExists(file) ?? '(no log)').split('\n').slice(-lines).join('\n');
}
