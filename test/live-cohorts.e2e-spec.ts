import { connectLive, LiveClient } from './support/live-client';
import { http, startApp, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

const HZ = 4;

describe('live cohort.top events (e2e: an api instance and a worker)', () => {
  let valkey: TestValkey;
  let api: TestApp;
  let worker: TestApp;
  let rest: ReturnType<typeof http>;
  const clients: LiveClient[] = [];
  const client = async (): Promise<LiveClient> => {
    const c = await connectLive(api.baseUrl);
    clients.push(c);
    return c;
  };
  const cohortEvents = (c: LiveClient) => c.events.filter((e) => e.name === 'cohort.top');
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    valkey = await startValkey();
    const env = { LIVE_MAX_HZ: String(HZ) };
    api = await startApp(valkey.url, { ...env, APP_MODE: 'api' });
    worker = await startApp(valkey.url, { ...env, APP_MODE: 'worker' });
    rest = http(api.baseUrl);
  }, 30000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([api.close(), worker.close()]);
    await valkey.stop();
  });

  it("acks the watched player's cohort and sends coalesced cohort.top events when it changes", async () => {
    const id = 'livec';
    const leagues = [
      { name: 'bronze', promote: 1, demote: 0 },
      { name: 'silver', promote: 0, demote: 1 },
    ];
    const created = await rest.admin('POST', '/v1/leaderboards', { id, cohortSize: 3, leagues });
    expect(created.status).toBe(201);
    await rest.batch(id, [
      { playerId: 'a', score: 1 },
      { playerId: 'b', score: 2 },
      { playerId: 'c', score: 3 },
      { playerId: 'd', score: 4 },
    ]);
    await waitFor(async () => valkey.client.exists(`{lb:${id}}:live:snap`), 5000, 'seed publish');
    const watcher = await client();
    const ack = await watcher.request('subscribe', { leaderboardId: id, cohortOf: 'b' });
    expect(ack.ok).toBe(true);
    expect(ack.cohort).toMatchObject({ periodId: '0000000001', cohortId: 1, league: 'bronze' });
    expect(ack.cohort.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'c',
      'b',
      'a',
    ]);

    // A change in another cohort sends nothing to this watcher.
    await rest.submit(id, { playerId: 'd', score: 40 });
    await sleep(1000);
    expect(cohortEvents(watcher)).toHaveLength(0);

    // A burst in the watched cohort: at most LIVE_MAX_HZ events a second, the last one current.
    const start = Date.now();
    for (let i = 1; i <= 20; i++) await rest.submit(id, { playerId: 'a', score: 10 + i });
    const last = await waitFor(
      async () => {
        const ev = cohortEvents(watcher).at(-1);
        return ev && ev.payload.entries[0].score === 30 ? ev : null;
      },
      5000,
      'the cohort event after the burst',
    );
    expect(last.payload).toMatchObject({ leaderboardId: id, playerId: 'b', cohortId: 1 });
    expect(last.payload.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'a',
      'c',
      'b',
    ]);
    const seconds = Math.max(1, (Date.now() - start) / 1000);
    expect(cohortEvents(watcher).length).toBeLessThanOrEqual(Math.ceil(seconds * HZ) + 1);
    // Nothing is sent for an unchanged list.
    const count = cohortEvents(watcher).length;
    await rest.submit(id, { playerId: 'a', score: 1 }); // best mode: no change
    await rest.submit(id, { playerId: 'd', score: 50 });
    await sleep(1000);
    expect(cohortEvents(watcher)).toHaveLength(count);

    // Refused cleanly: a board without cohorts, a bad id.
    const plain = await rest.admin('POST', '/v1/leaderboards', { id: 'livec-plain' });
    expect(plain.status).toBe(201);
    const refused = await watcher.request('subscribe', {
      leaderboardId: 'livec-plain',
      cohortOf: 'b',
    });
    expect(refused).toMatchObject({ ok: false, error: { status: 404 } });
    const bad = await watcher.request('subscribe', { leaderboardId: id, cohortOf: 'no spaces' });
    expect(bad).toMatchObject({ ok: false, error: { status: 400 } });
  }, 30000);
});
