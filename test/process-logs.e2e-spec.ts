import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ValkeyServerProcess } from '../src/valkey/valkey-server-process';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

const MAIN = join(__dirname, '..', 'dist', 'main.js');
const ADMIN = 'admin-key-for-log-test-0000';
const SUBMIT = 'submit-key-for-log-test-0000';

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  port: number;
}

async function run(valkeyUrl: string, mode: string): Promise<Run> {
  const port = await freePort();
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      APP_MODE: mode,
      VALKEY_URL: valkeyUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_API_KEYS: ADMIN,
      SUBMIT_API_KEYS: SUBMIT,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitFor(
    async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.ok,
    15_000,
    `the ${mode} process to be ready`,
    100,
  );
  return { child, stdout: () => stdout, stderr: () => stderr, port };
}

const stop = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

/** Every line of `text` parsed as JSON; throws naming the first line that is not. */
function jsonLines(text: string): { level: number; msg: string; context?: string }[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      try {
        return JSON.parse(l) as { level: number; msg: string };
      } catch {
        throw new Error(`a log line is not JSON: ${l}`);
      }
    });
}

// These run the built app (dist/, made by `npm run build`, which the test command runs first).
describe('every line the process writes is JSON, at a level that means something (issue 15, item 16)', () => {
  let valkey: TestValkey;

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    valkey = await startValkey();
  });
  afterAll(() => valkey?.stop());

  it('through a 3 s Valkey outage and a shutdown: JSON lines only, nothing at error level', async () => {
    const app = await run(valkey.url, 'all');
    let restarted: ValkeyServerProcess | undefined;
    try {
      valkey.client.disconnect(); // the test's own client would only complain during the outage
      await valkey.server.stop();
      const base = `http://127.0.0.1:${app.port}`;
      const outageEnds = Date.now() + 3000;
      while (Date.now() < outageEnds) {
        // Requests during the outage: fast 503s, not errors in the log.
        const res = await fetch(`${base}/v1/leaderboards/global/scores`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SUBMIT}`, 'content-type': 'application/json' },
          body: JSON.stringify({ playerId: 'p', score: 1 }),
        });
        expect(res.status).toBe(503);
        await res.text();
        await new Promise((r) => setTimeout(r, 200));
      }
      restarted = await ValkeyServerProcess.start({
        binary: process.env.VALKEY_SERVER_BIN ?? 'valkey-server',
        dir: valkey.server.dir,
        port: valkey.server.port,
        appendOnly: false,
      });
      await waitFor(
        async () => (await fetch(`${base}/health/ready`)).ok,
        15_000,
        'the app to see Valkey again',
        100,
      );
      expect(await stop(app.child)).toBe(0);

      expect(app.stderr()).toBe('');
      const lines = jsonLines(app.stdout());
      // The outage was seen (once per connection, as a warning) and its end too.
      expect(lines.some((l) => l.level === 40 && /ECONNREFUSED/.test(l.msg))).toBe(true);
      expect(lines.some((l) => /is back/.test(l.msg))).toBe(true);
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    } finally {
      app.child.kill('SIGKILL');
      await restarted?.stop();
    }
  }, 60_000);

  it('a worker starts and shuts down without an error line (no "could not find LiveGateway")', async () => {
    // The first test stopped the fixture's server; this one has its own.
    const own = await startValkey();
    try {
      const worker = await run(own.url, 'worker');
      try {
        expect(await stop(worker.child)).toBe(0);
        expect(worker.stderr()).toBe('');
        const lines = jsonLines(worker.stdout());
        expect(lines.some((l) => /Shut down in/.test(l.msg))).toBe(true);
        expect(lines.filter((l) => l.level >= 50)).toEqual([]);
        expect(worker.stdout()).not.toMatch(/LiveGateway/);
      } finally {
        worker.child.kill('SIGKILL');
      }
    } finally {
      await own.stop();
    }
  }, 30_000);
});
