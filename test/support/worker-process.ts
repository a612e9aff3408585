import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/valkey/valkey-server-process';
import { ADMIN_KEY, SUBMIT_KEY } from './app';
import { waitFor } from './wait';

/** The built entry point worker processes run (`npm run build` makes it; `npm test` does). */
export const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** Fails a suite's setup with the command to run when the build is missing. */
export function requireBuild(): void {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
}

/**
 * A `node dist/main.js --mode worker` process against the test Valkey, resolved once it reports
 * ready. `env` adds to (or overrides) the test settings.
 */
export async function startWorker(
  valkeyUrl: string,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, '--mode', 'worker'], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      VALKEY_URL: valkeyUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_API_KEYS: ADMIN_KEY,
      SUBMIT_API_KEYS: SUBMIT_KEY,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: 'ignore',
  });
  try {
    await waitFor(
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok;
        } catch {
          return false;
        }
      },
      30_000,
      'a worker process',
    );
  } catch (err) {
    child.kill('SIGKILL'); // it would retry Valkey forever and keep the test run alive
    throw err;
  }
  return child;
}

/** Resolves once the process has exited (at once if it already has). */
export const exited = (w: ChildProcess): Promise<unknown> =>
  w.exitCode !== null || w.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => w.once('exit', r));

/** SIGKILLs every process of the list and waits for them to exit. */
export async function killAll(workers: ChildProcess[]): Promise<void> {
  for (const w of workers) w.kill('SIGKILL');
  await Promise.all(workers.map(exited));
}
