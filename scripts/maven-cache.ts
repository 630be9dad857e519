/**
 * What the local broker, Kafka's tools and the test schema registry share: Maven runs that fill a cache
 * directory once, safely when several processes (vitest workers, npm test's prefetch) ask at the same time.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function readIfExists(file: string): string | null {
  try { return fs.readFileSync(file, 'utf8').trim(); } catch { return null; }
}

export function tail(file: string, lines: number): string {
  return (readIfExists(file) ?? '(no log)').split('\n').slice(-lines).join('\n');
}

/** `mvn -q -B <args>` with its output in `logFile`; a failure names the command and quotes the log's end. */
export function runMaven(what: string, args: string[], logFile: string, cwd?: string): Promise<void> {
  const full = ['-q', '-B', '-Dstyle.color=never', ...args];
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'w');
    const child = spawn('mvn', full, { stdio: ['ignore', out, out], cwd });
    child.on('error', (error) => {
      fs.closeSync(out);
      reject(new Error(`${what}: mvn could not start (apt-get install -y maven): ${error.message}`));
    });
    child.on('exit', (code) => {
      fs.closeSync(out);
      if (code === 0) return resolve();
      reject(new Error(`${what}: \`mvn ${full.join(' ')}\` failed (exit ${code}).\n--- ${logFile} ---\n${tail(logFile, 60)}`));
    });
  });
}

/**
 * Makes `target` hold what `fill` puts into a fresh directory, stamped with `stamp` (a changed stamp
 * fills it again). Each process fills its own temp directory and renames it into place, so the directory
 * only ever appears complete; when another process wins the rename, its result is used.
 */
export async function installOnce(target: string, stamp: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const stampFile = path.join(target, 'INSTALLED');
  if (readIfExists(stampFile) === stamp) return;
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}-`));
  fs.chmodSync(tmp, 0o755);
  try {
    await fill(tmp);
    fs.writeFileSync(path.join(tmp, 'INSTALLED'), stamp);
    if (fs.existsSync(target) && readIfExists(stampFile) !== stamp) {
      // Filled with another stamp: move it aside atomically, then delete it.
      const old = `${tmp}.old`;
      try { fs.renameSync(target, old); fs.rmSync(old, { recursive: true, force: true }); } catch { /* raced */ }
    }
    try {
      fs.renameSync(tmp, target);
    } catch (error) {
      if (readIfExists(stampFile) !== stamp) throw error;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
