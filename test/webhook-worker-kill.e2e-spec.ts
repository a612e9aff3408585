import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../src/valkey/valkey-server-process';
import { ADMIN_KEY, http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { Receiver, startReceiver } from './support/receiver';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

const MAIN = join(__dirname, '..', 'dist', 'main.js');
const WEBHOOK_ENV = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_DELAYS_MS: '200,200,200' };

/** A `node dist/main.js --mode worker` process against the test Valkey. */
async function startWorker(valkeyUrl: string): Promise<ChildProcess> {
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
      ...WEBHOOK_ENV,
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
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}

const exited = (w: ChildProcess): Promise<unknown> =>
  w.exitCode !== null || w.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => w.once('exit', r));

describe('a worker killed with SIGKILL in the middle of a webhook delivery', () => {
  let valkey: TestValkey;
  let api: TestApp;
  let receiver: Receiver;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    valkey = await startValkey();
    api = await startApp(valkey.url, { APP_MODE: 'api', ...WEBHOOK_ENV });
    receiver = await startReceiver();
  }, 30_000);
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map(exited));
    await receiver?.close();
    await api?.close();
    await valkey?.stop();
  });

  it('still delivers: another worker takes the job over and sends the same delivery again', async () => {
    const client = http(api.baseUrl);
    // The first request is left hanging: the worker is killed while it waits for the answer.
    receiver.respond = (_r, n) => (n === 0 ? 'hang' : 200);
    const hook = await client.admin('POST', '/v1/webhooks', {
      url: receiver.url,
      events: ['leaderboard.created'],
    });
    expect(hook.status).toBe(201);
    workers.push(await startWorker(valkey.url));
    expect((await client.admin('POST', '/v1/leaderboards', { id: 'killed' })).status).toBe(201);
    await waitFor(async () => receiver.received.length === 1, 15_000, 'the first attempt');

    const victim = workers[0];
    victim.kill('SIGKILL');
    await exited(victim);
    workers.push(await startWorker(valkey.url));
    // The dead worker's lock on the job lapses (12 s at most), the new one takes it over.
    await waitFor(async () => receiver.received.length >= 2, 40_000, 'the redelivery', 200);
    const log = await waitFor(async () => {
      const d = (await client.admin('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body;
      return d.deliveries.length > 0 && d.deliveries;
    });
    expect(log[0]).toMatchObject({ statusCode: 200, error: null, event: 'leaderboard.created' });
    const [first, second] = receiver.received;
    expect(second.headers['valkran-delivery']).toBe(first.headers['valkran-delivery']);
    expect(second.body).toBe(first.body);
    expect(second.json.data).toMatchObject({ leaderboardId: 'killed' });
    // Delivered: nothing more comes (a fixed wait on purpose, longer than every retry delay).
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.received).toHaveLength(2);
    expect((await client.admin('GET', `/v1/webhooks/${hook.body.id}`)).body.failing).toBe(false);
  }, 90_000);
});
