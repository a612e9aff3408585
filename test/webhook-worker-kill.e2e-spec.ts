import type { ChildProcess } from 'node:child_process';
import { http, startApp, TestApp } from './support/app';
import { Receiver, startReceiver } from './support/receiver';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';
import { exited, killAll, requireBuild, startWorker } from './support/worker-process';

const WEBHOOK_ENV = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_DELAYS_MS: '200,200,200' };

describe('a worker killed with SIGKILL in the middle of a webhook delivery', () => {
  let valkey: TestValkey;
  let api: TestApp;
  let receiver: Receiver;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    requireBuild();
    valkey = await startValkey();
    api = await startApp(valkey.url, { APP_MODE: 'api', ...WEBHOOK_ENV });
    receiver = await startReceiver();
  }, 30_000);
  afterAll(async () => {
    await killAll(workers);
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
    workers.push(await startWorker(valkey.url, WEBHOOK_ENV));
    expect((await client.admin('POST', '/v1/leaderboards', { id: 'killed' })).status).toBe(201);
    await waitFor(async () => receiver.received.length === 1, 15_000, 'the first attempt');

    const victim = workers[0];
    victim.kill('SIGKILL');
    await exited(victim);
    workers.push(await startWorker(valkey.url, WEBHOOK_ENV));
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
