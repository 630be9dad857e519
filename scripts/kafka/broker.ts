/**
 * A real Apache Kafka broker (KRaft, single node) for development and tests.
 *
 * The broker's jars come from Maven Central through `mvn dependency:copy-dependencies` on
 * scripts/kafka/pom.xml, cached in `$TIDEMARK_CACHE_DIR` (default ~/.cache/tidemark)/kafka-<version>/libs,
 * and run with the machine's Java 17+. See scripts/kafka/README.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaClusterId, SCRAM_MECHANISMS, writeConfig, type BrokerTls } from './broker-config';
import { ensureKafkaInstalled, KAFKA_VERSION, readIfExists, tail } from './kafka-install';

export { KAFKA_VERSION, cacheDir, ensureKafkaInstalled } from './kafka-install';
export type { BrokerTls } from './broker-config';

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

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------- ports and storage

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
