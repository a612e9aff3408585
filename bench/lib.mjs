// What the bench scripts (bench.mjs, live.mjs, jobs.mjs) have in common: a private Valkey in a
// temp dir, Node child processes whose output is kept, and one cleanup that releases all of it
// on a normal end, on an error, on Ctrl-C and (as far as sync calls can) on process.exit. Kept
// in one place so that every script gets the same cleanup guarantees and the same machine line
// at the top of its output. Needs `npm run -s build` first (it loads dist/).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { ValkeyServerProcess, freePort } = require('../dist/valkey/valkey-server-process.js');

export { freePort };

// The keys every bench configures its Valkran with and sends with its requests.
export const SUBMIT_KEY = 'bench-submit-key-0123456789';
export const ADMIN_KEY = 'bench-admin-key-0123456789';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** en-US grouping with d decimals; '-' for NaN/Infinity (a process gone, no samples). */
export const fmt = (n, d = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
    : '-';

/** Median (mean of the middle two for an even count); does not sort its argument in place. */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Prints the Node version, CPUs and valkey-server version, so figures can be told apart by
 * machine. Throws if valkey-server is missing: call it where a failure to start is reported.
 */
export function printMachineInfo({ loadavg = false } = {}) {
  const load = loadavg
    ? `, loadavg ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`
    : '';
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})${load}`,
  );
  console.log(execFileSync('valkey-server', ['--version'], { encoding: 'utf8' }).trim());
}

/** Polls url until it answers 200; fails early (with the child's last lines) if it exits. */
export async function waitHttpOk(info, url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (info.exited) break;
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${info.name} did not become ready at ${url}:\n  ${info.tail.join('\n  ')}`);
}

/**
 * What one bench script owns, and its cleanup. Call once, at the top of the script: it installs
 * the SIGINT and exit handlers.
 * - tmpPrefix: the temp dir the private Valkey works in (removed by cleanup).
 * - beforeStop: the script's own teardown (sockets, in-process apps, connections), run before the
 *   children and Valkey are stopped so that their shutdown isn't seen as a failure.
 * - verbose: report a child that exits before cleanup, needs SIGKILL or is slow to stop (live.mjs
 *   runs long enough under load for these to matter).
 */
export function createBenchRun({ tmpPrefix, beforeStop, verbose = false }) {
  const children = [];
  let valkey;
  let tmpDir;
  let cleaning;
  let interrupted = false;

  /** A private valkey-server in a fresh temp dir, no AOF: nothing from a previous run carries over. */
  async function startValkey() {
    tmpDir = mkdtempSync(join(os.tmpdir(), tmpPrefix));
    valkey = await ValkeyServerProcess.start({
      binary: 'valkey-server',
      dir: tmpDir,
      appendOnly: false,
    });
    return valkey;
  }

  /** A Node child process (cwd: the repo root) whose output we keep: the tail is shown if it fails or logs. */
  function spawnNode(name, args, env) {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const info = { name, child, lines: 0, tail: [], exited: false };
    const keep = (chunk) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        info.lines++;
        info.tail.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
        if (info.tail.length > 10) info.tail.shift();
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('exit', (code, signal) => {
      info.exited = true;
      if (verbose && !cleaning)
        console.error(`\n!! ${name} exited unexpectedly (code ${code}, signal ${signal})`);
    });
    children.push(info);
    return info;
  }

  async function stopChild({ name, child, exited, tail }) {
    if (exited || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    const t0 = performance.now();
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (verbose) {
        console.error(`!! ${name} still running 5 s after SIGTERM: SIGKILL. Its last lines:`);
        for (const l of tail) console.error(`   ${l}`);
      }
      child.kill('SIGKILL');
    }, 5000);
    await gone;
    clearTimeout(timer);
    const secs = (performance.now() - t0) / 1000;
    if (verbose && secs > 1) console.error(`(${name} took ${secs.toFixed(1)} s to exit)`);
  }

  // Once only (the end of main, an error and SIGINT may all ask for it), and every step runs
  // even if an earlier one throws, so a failed teardown can't leave a server or a dir behind.
  function cleanup() {
    cleaning ??= (async () => {
      let failure;
      const steps = [
        beforeStop,
        () => Promise.all(children.map(stopChild)),
        () => valkey?.stop(),
        () => tmpDir && rmSync(tmpDir, { recursive: true, force: true }),
      ];
      for (const step of steps) {
        try {
          await step?.();
        } catch (err) {
          failure ??= err;
        }
      }
      if (failure) throw failure;
    })();
    return cleaning;
  }

  process.once('SIGINT', () => {
    interrupted = true;
    console.error('\ninterrupted, cleaning up');
    cleanup().finally(() => process.exit(130));
  });

  // Something may exit the process without cleanup() (Nest does when a module fails to
  // initialise in jobs.mjs): at least kill what is still running and drop the dir. Only sync
  // calls work in an 'exit' handler; after a normal cleanup all of this is a no-op.
  process.once('exit', () => {
    for (const { child } of children) child.kill('SIGKILL');
    valkey?.child.kill('SIGKILL');
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  });

  return {
    /** Every child spawned so far (name, child, lines, tail, exited). */
    children,
    /** True once Ctrl-C was pressed: cleanup is under way and the process exits 130. */
    get interrupted() {
      return interrupted;
    },
    startValkey,
    spawnNode,
    cleanup,
  };
}
