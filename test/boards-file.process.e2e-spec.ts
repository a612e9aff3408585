import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../src/valkey/valkey-server-process';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'main.js');

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnProc(command: string, args: string[], env: Record<string, string>): Proc {
  let out = '';
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

// The built app and CLI (dist/, made by `npm run build`, which the test command runs first).
describe('boards file from the built processes', () => {
  let valkey: TestValkey;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    valkey = await startValkey();
    dir = mkdtempSync(join(tmpdir(), 'valkran-boards-proc-'));
    env = {
      NODE_ENV: 'production',
      VALKEY_URL: valkey.url,
      ADMIN_API_KEYS: 'admin-key-for-boards-file-test',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await valkey?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm run boards plans and applies; a worker applies BOARDS_FILE at startup', async () => {
    const file = join(dir, 'boards.yaml');
    writeFileSync(file, 'boards:\n  - id: cli-board\n    title: From the CLI\n');
    const plan = spawnProc('npm', ['run', '-s', 'boards', '--', 'plan', file], env);
    expect(await plan.exited).toBe(0);
    expect(plan.output()).toContain('+ create cli-board: title "From the CLI"');
    expect(await valkey.client.exists('{lb:cli-board}:cfg')).toBe(0);
    const apply = spawnProc('npm', ['run', '-s', 'boards', '--', 'apply'], {
      ...env,
      BOARDS_FILE: file,
    });
    expect(await apply.exited).toBe(0);
    expect(apply.output()).toContain('Applied: 1 created');
    expect(await valkey.client.hget('{lb:cli-board}:cfg', 'title')).toBe('From the CLI');

    writeFileSync(
      file,
      'boards:\n  - id: cli-board\n    title: From the worker\n  - id: worker-board\n',
    );
    const port = await freePort();
    const worker = spawnProc(process.execPath, [MAIN], {
      ...env,
      APP_MODE: 'worker',
      PORT: String(port),
      BOARDS_FILE: file,
      LOG_LEVEL: 'info',
    });
    try {
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.ok,
        15_000,
        'the worker to be ready',
      );
      expect(worker.output()).toContain(
        `BOARDS_FILE ${file} applied: update cli-board, create worker-board`,
      );
      expect(await valkey.client.hget('{lb:cli-board}:cfg', 'title')).toBe('From the worker');
      expect(await valkey.client.exists('{lb:worker-board}:cfg')).toBe(1);
    } finally {
      worker.child.kill('SIGTERM');
    }
    expect(await worker.exited).toBe(0);
  }, 40_000);

  it('a worker exits non-zero, naming board and field, when an immutable field differs', async () => {
    const file = join(dir, 'refused.yaml');
    writeFileSync(file, 'boards:\n  - id: cli-board\n    title: Changed\n    sortOrder: asc\n');
    const before = await valkey.client.hgetall('{lb:cli-board}:cfg');
    const started = Date.now();
    const worker = spawnProc(process.execPath, [MAIN], {
      ...env,
      APP_MODE: 'worker',
      PORT: String(await freePort()),
      BOARDS_FILE: file,
    });
    const code = await worker.exited;
    expect(code).toBe(78);
    expect(worker.output()).toContain(
      `Valkran failed to start: BOARDS_FILE ${file} is refused: an immutable field differs`,
    );
    expect(worker.output()).toContain(
      'board "cli-board", field sortOrder: is "desc" on the server and "asc" in the file',
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await valkey.client.hgetall('{lb:cli-board}:cfg')).toEqual(before);

    // An invalid file stops it the same way, and so does an unreadable one.
    writeFileSync(file, 'boards:\n  - id: cli-board\n    retainPeriods: 1000\n');
    const invalid = spawnProc(process.execPath, [MAIN], {
      ...env,
      APP_MODE: 'all',
      PORT: String(await freePort()),
      BOARDS_FILE: file,
    });
    expect(await invalid.exited).toBe(78);
    expect(invalid.output()).toContain(
      'board "cli-board", field retainPeriods: must not be greater than 365',
    );
  }, 40_000);
});
