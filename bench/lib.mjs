// What the bench scripts (bench.mjs, live.mjs, jobs.mjs) have in common: a private Valkey in a
// temp dir, Node child processes whose output is kept, and one cleanup that releases all of it
// on a normal end, on an error, on Ctrl-C and (as far as sync calls can) on process.exit. Kept
// in one place so that every script gets the same cleanup guarantees and the same machine line
// at the top of its output. Needs `npm run -s build` first (it loads dist/).
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  createReadStream,
  existsSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { ValkeyServerProcess, freePort } = require('../dist/valkey/valkey-server-process.js');

export { freePort };

// The keys every bench configures its Valkran with and sends with its requests.
export const SUBMIT_KEY = 'bench-submit-key-0123456789';
export const ADMIN_KEY = 'bench-admin-key-0123456789';

/**
 * The environment of a Valkran under measurement: production defaults with info-level request
 * logs, this Valkey and port, the bench's keys, then `extra` (limits, mode). Nothing else from the
 * caller's shell, so nothing there changes what is measured.
 */
export function valkranEnv(valkeyUrl, port, extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    VALKEY_URL: valkeyUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_API_KEYS: ADMIN_KEY,
    SUBMIT_API_KEYS: SUBMIT_KEY,
    ...extra,
  };
}

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

/** A small seeded PRNG (mulberry32): the same seed gives the same players and scores every run. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** An integer in [0, n). */
  next.int = (n) => Math.floor(next() * n);
  return next;
}

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

/**
 * A copy of a built checkout's dist/ in `dir` (with a link to its node_modules), so a rebuild
 * of that checkout while the bench runs (nest build empties dist/ first) cannot pull the files
 * from under the processes it starts. Returns the copy's main.js.
 */
export function snapshotBuild(dir, checkout) {
  const dist = resolve(root, checkout, 'dist');
  if (!existsSync(join(dist, 'main.js'))) {
    throw new Error(`${dist}/main.js not found: build first (npm run -s build)`);
  }
  mkdirSync(dir, { recursive: true });
  cpSync(dist, join(dir, 'dist'), { recursive: true });
  symlinkSync(resolve(root, checkout, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'dist', 'main.js');
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
  throw new Error(`${info.name} did not become ready at ${url}:\n  ${tailOf(info).join('\n  ')}`);
}

/** The last `n` lines of a file (read from its end, so a big log costs nothing). */
export function lastLines(file, n = 10, maxLineChars = 300) {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim())
      .slice(-n)
      .map((l) => (l.length > maxLineChars ? `${l.slice(0, maxLineChars)}…` : l));
  } finally {
    closeSync(fd);
  }
}

/**
 * Size in bytes and number of lines of a file (streamed: logs of a full run reach 100s of MB),
 * and the lines matching `pattern` (a RegExp; the first `keep` of them kept whole).
 */
export async function fileStats(file, pattern = null, keep = 3) {
  let lines = 0;
  let bytes = 0;
  let matches = 0;
  const kept = [];
  let rest = '';
  for await (const chunk of createReadStream(file)) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (!pattern) continue;
    const text = rest + chunk.toString('utf8');
    const cut = text.lastIndexOf('\n');
    rest = text.slice(cut + 1);
    if (!pattern.test(text.slice(0, cut + 1))) continue;
    for (const line of text.slice(0, cut + 1).split('\n')) {
      if (!pattern.test(line)) continue;
      matches++;
      if (kept.length < keep) kept.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
    }
  }
  return { bytes, lines, matches, kept };
}

/** A child's last lines: its log file's when its stdout goes to one, and its stderr's. */
export function tailOf(info, n = 10) {
  const fromFile = info.logFile ? lastLines(info.logFile, n) : [];
  return [...fromFile, ...info.tail].slice(-n);
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
  const valkeys = [];
  let tmpDir;
  let cleaning;
  let interrupted = false;

  /** The run's temp dir (created on first use, removed by cleanup): Valkey data, log files. */
  function runDir() {
    tmpDir ??= mkdtempSync(join(os.tmpdir(), tmpPrefix));
    return tmpDir;
  }

  /**
   * A private valkey-server in a fresh dir of the run's temp dir, no AOF: nothing from a previous
   * run carries over. May be called more than once (each call is another server); stop one early
   * with its stop(), cleanup stops the rest.
   */
  async function startValkey() {
    const valkey = await ValkeyServerProcess.start({
      binary: 'valkey-server',
      dir: join(runDir(), `valkey-${valkeys.length + 1}`),
      appendOnly: false,
    });
    valkeys.push(valkey);
    return valkey;
  }

  /**
   * A Node child process (cwd: the repo root) whose output we keep: the tail is shown if it fails
   * or logs. With `stdoutFile`, its stdout goes straight to that file (the file's descriptor is
   * the child's fd 1, as with `node app > file`: the child writes to a file, not to a pipe we
   * drain) and only stderr is kept here; `info.logFile` names the file.
   */
  function spawnNode(name, args, env, { stdoutFile } = {}) {
    const fd = stdoutFile ? openSync(stdoutFile, 'a') : null;
    let child;
    try {
      child = spawn(process.execPath, args, {
        cwd: root,
        env,
        stdio: ['ignore', fd ?? 'pipe', 'pipe'],
      });
    } finally {
      if (fd !== null) closeSync(fd); // the child has its own copy
    }
    const info = { name, child, lines: 0, tail: [], exited: false, logFile: stdoutFile };
    const keep = (chunk) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        info.lines++;
        info.tail.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
        if (info.tail.length > 10) info.tail.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr.on('data', keep);
    child.once('exit', (code, signal) => {
      info.exited = true;
      if (verbose && !cleaning && !info.stopping)
        console.error(`\n!! ${name} exited unexpectedly (code ${code}, signal ${signal})`);
    });
    children.push(info);
    return info;
  }

  async function stopChild(info) {
    const { name, child, exited, tail } = info;
    info.stopping = true;
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
        () => Promise.all(valkeys.map((v) => v.stop())),
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
    for (const v of valkeys) v.child.kill('SIGKILL');
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
    /** Stops one child now (SIGTERM, SIGKILL after 5 s); cleanup skips it later. */
    stopChild,
    runDir,
    cleanup,
  };
}

/**
 * Prints rows (objects with the same keys) as a plain text table: strings unquoted, columns
 * right-aligned except the first.
 */
export function printTable(rows) {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const cell = (v) => (v === undefined || v === null ? '' : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals) =>
    vals
      .map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}
