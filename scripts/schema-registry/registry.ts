/**
 * A real schema registry for tests: Apicurio Registry with in-memory storage, serving the Confluent
 * Schema Registry API at `<url>` = http://127.0.0.1:<port>/apis/ccompat/v7.
 *
 * Apicurio publishes its Quarkus application to Maven Central only as a plain jar, so the first use
 * runs Quarkus' build over it (scripts/schema-registry/pom.xml, about 130 MB of jars) and caches the
 * runnable result in `$TIDEMARK_CACHE_DIR` (default ~/.cache/tidemark)/apicurio-registry-<version>.
 * Later starts only run Java 17. See scripts/schema-registry/README.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, findFreePort } from '../kafka/broker';
import { installOnce, readIfExists, runMaven, tail } from '../maven-cache';

/** Keep in sync with `<apicurio.version>` in scripts/schema-registry/pom.xml (this constant is passed to Maven and wins). */
export const APICURIO_VERSION = '2.4.2.Final';

const SCRIPT_DIR = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(SCRIPT_DIR, 'pom.xml');
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 15_000;
const CCOMPAT_PATH = '/apis/ccompat/v7';

export interface LocalSchemaRegistry {
  /** Base URL of the Confluent-compatible API, e.g. http://127.0.0.1:41234/apis/ccompat/v7. */
  url: string;
  port: number;
  logFile: string;
  pid: number;
  stop(): Promise<void>;
}

/** Identifies what was built: a changed pom builds again. */
function installStamp(): string {
  return `${APICURIO_VERSION} ${createHash('sha256').update(fs.readFileSync(POM)).digest('hex')}`;
}

function requireTool(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.error || r.status !== 0) {
    throw new Error(`Schema registry: \`${cmd}\` not found on PATH. Install Java 17+ and Maven ` +
      '(Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless maven`).');
  }
}

/**
 * Builds the registry once and returns its runner jar. Concurrency-safe like the broker's install:
 * each process builds in its own temp dir and renames the result into place.
 */
export async function ensureSchemaRegistryInstalled(): Promise<string> {
  const root = cacheDir();
  const target = path.join(root, `apicurio-registry-${APICURIO_VERSION}`);
  const stampFile = path.join(target, 'INSTALLED');
  const jar = path.join(target, 'app', 'registry-runner.jar');
  const stamp = installStamp();
  if (readIfExists(stampFile) === stamp) {
    requireTool('java', ['-version']);
    return jar;
  }
  requireTool('java', ['-version']);
  requireTool('mvn', ['-v']);
  fs.mkdirSync(root, { recursive: true });
  // One build at a time: npm test starts one in the background early (scripts/test.ts); a test that
  // needs the registry meanwhile waits for it instead of downloading the same jars again.
  const release = await buildLock(path.join(root, `apicurio-registry-${APICURIO_VERSION}.lock`), () => readIfExists(stampFile) === stamp);
  if (!release) return jar;
  try {
    if (readIfExists(stampFile) === stamp) return jar; // built by another process just before we took the lock
    await buildInto(root, target, stamp);
    return jar;
  } finally {
    release();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes the build lock (a file holding the builder's pid) and returns its release; or, when another live
 * process holds it, waits until that one finishes and returns null if its build is what we need.
 */
async function buildLock(lockFile: string, built: () => boolean): Promise<(() => void) | null> {
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readIfExists(lockFile));
    if (!holder || !isAlive(holder)) {
      fs.rmSync(lockFile, { force: true }); // left by a builder that died
      continue;
    }
    while (isAlive(holder) && fs.existsSync(lockFile)) await new Promise((r) => setTimeout(r, 1000));
    if (built()) return null;
  }
}

function buildInto(root: string, target: string, stamp: string): Promise<void> {
  return installOnce(target, stamp, async (dir) => {
    const build = path.join(dir, 'build');
    fs.mkdirSync(build);
    fs.copyFileSync(POM, path.join(build, 'pom.xml'));
    // -DskipDefault turns off the registry's parent-pom profile that adds repositories besides Maven Central.
    await runMaven('Schema registry build', ['-DskipDefault=true', `-Dapicurio.version=${APICURIO_VERSION}`, '-f', path.join(build, 'pom.xml'), 'package'], path.join(root, `apicurio-registry-${APICURIO_VERSION}.maven.log`), build);
    // The runner jar's manifest names its classpath as lib/…, relative to the jar: keep them side by side.
    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.renameSync(path.join(build, 'target', 'lib'), path.join(app, 'lib'));
    fs.renameSync(path.join(build, 'target', 'tidemark-schema-registry-0-runner.jar'), path.join(app, 'registry-runner.jar'));
    fs.rmSync(build, { recursive: true, force: true });
  });
}

function jvmArgs(jar: string, port: number): string[] {
  return [
    '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-Djava.awt.headless=true',
    `-Dquarkus.http.host=127.0.0.1`, `-Dquarkus.http.port=${port}`,
    // The registry's production profile keeps 20 idle database connections; an in-memory test registry needs few.
    '-Dquarkus.datasource.jdbc.initial-size=1', '-Dquarkus.datasource.jdbc.min-size=1', '-Dquarkus.datasource.jdbc.max-size=8',
    '-jar', jar,
  ];
}

async function waitUntilReady(child: ChildProcess, url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/schemas/types`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  const why = child.exitCode !== null || child.signalCode !== null
    ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : `did not answer within ${START_TIMEOUT_MS / 1000} s`;
  throw new Error(`Schema registry at ${url} ${why}. Last lines of ${logFile}:\n${tail(logFile, 40)}`);
}

/** Starts an empty registry on a free port of 127.0.0.1; resolves once its API answers. */
export async function startSchemaRegistry(opts: { logFile: string; port?: number }): Promise<LocalSchemaRegistry> {
  const jar = await ensureSchemaRegistryInstalled();
  const port = opts.port ?? await findFreePort();
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn('java', jvmArgs(jar, port), { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const killChild = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } };
  process.on('exit', killChild);
  // The registry must not outlive this process, even a SIGKILLed one (a test worker ended by its runner).
  const watchdog = spawn('sh', ['-c',
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill -9 "$2" 2>/dev/null',
    'watchdog', String(process.pid), String(child.pid)], { stdio: 'ignore', detached: true });
  watchdog.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    process.removeListener('exit', killChild);
    try { watchdog.kill('SIGKILL'); } catch { /* gone */ }
    resolve();
  }));
  const url = `http://127.0.0.1:${port}${CCOMPAT_PATH}`;
  try {
    await waitUntilReady(child, url, opts.logFile);
  } catch (err) {
    killChild();
    await exited;
    throw err;
  }
  return {
    url, port, logFile: opts.logFile, pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(killChild, STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
