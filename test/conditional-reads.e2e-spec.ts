import { ResetsRepository } from '../src/ranking-jobs/resets/resets.repository';
import { http, startApp, TestApp } from './support/app';
import { useApp } from './support/fixture';
import { startValkey, TestValkey } from './support/valkey';
import { inOneWindow, waitFor } from './support/wait';

/** Public reads carry an ETag from the board version and answer If-None-Match with 304. */
describe('conditional reads: ETag, If-None-Match, Cache-Control (e2e)', () => {
  const f = useApp({ APP_MODE: 'all', READ_CACHE_CONTROL: 'public, max-age=1' });

  const get = (path: string, etag?: string) =>
    f.api.request('GET', path, { headers: etag ? { 'if-none-match': etag } : {} });

  async function seeded(): Promise<string> {
    const id = await f.board();
    const res = await f.api.batch(id, [
      { playerId: 'a', score: 30 },
      { playerId: 'b', score: 20 },
      { playerId: 'c', score: 10 },
    ]);
    expect(res.status).toBe(200);
    return id;
  }

  it('answers a repeated page, player and around read with 304 and no body until the board changes', async () => {
    const id = await seeded();
    for (const path of [
      `/v1/leaderboards/${id}/entries?limit=2`,
      `/v1/leaderboards/${id}/players/b`,
      `/v1/leaderboards/${id}/players/b/around?limit=3`,
    ]) {
      const first = await get(path);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^W\/"\d+\.\d+"$/);
      expect(first.headers.get('cache-control')).toBe('public, max-age=1');

      const again = await get(path, etag);
      expect(again.status).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe('public, max-age=1');
      // A list naming it, and `*`, match too; another version does not.
      expect((await get(path, `W/"1.1", ${etag}`)).status).toBe(304);
      expect((await get(path, '*')).status).toBe(304);
      expect((await get(path, 'W/"1.1"')).status).toBe(200);
      expect((await get(path, 'garbage')).status).toBe(200);
    }
  });

  it('changes the ETag on every change a read can see, and not on a submit that changes nothing', async () => {
    const id = await seeded();
    const path = `/v1/leaderboards/${id}/entries`;
    const etag = async () => (await get(path)).headers.get('etag')!;
    const seen = new Set<string>();
    const expectNew = async (what: string) => {
      const e = await etag();
      expect({ what, fresh: !seen.has(e) }).toEqual({ what, fresh: true });
      seen.add(e);
    };
    await expectNew('start');

    // best mode: a worse score changes nothing, so the version holds.
    expect((await f.api.submit(id, { playerId: 'a', score: 1 })).body.updated).toBe(false);
    expect(seen.has(await etag())).toBe(true);

    await f.api.submit(id, { playerId: 'd', score: 5 });
    await expectNew('submit');
    await f.api.batch(id, [{ playerId: 'e', score: 6 }]);
    await expectNew('batch');
    expect((await f.api.admin('DELETE', `/v1/leaderboards/${id}/players/e`)).status).toBe(204);
    await expectNew('remove');
    const purged = await f.api.admin(
      'DELETE',
      `/v1/leaderboards/${id}/entries?minScore=0&maxScore=5`,
    );
    expect(purged.status).toBe(200);
    await expectNew('purge');
    expect((await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { title: 'New' })).status).toBe(
      200,
    );
    await expectNew('board edit');
    const before = await etag();
    expect((await f.api.admin('POST', `/v1/leaderboards/${id}/reset`)).status).toBe(202);
    await waitFor(async () => (await etag()) !== before, 10_000, 'the reset to change the ETag');
    await expectNew('reset');

    // Deleted and re-created with the same id: never an ETag of the old board.
    expect((await f.api.admin('DELETE', `/v1/leaderboards/${id}`)).status).toBe(204);
    expect((await f.api.admin('POST', '/v1/leaderboards', { id })).status).toBe(201);
    await expectNew('re-created');
  });

  it('still answers an unknown board with 404 and a bad query with 400 when If-None-Match is sent', async () => {
    expect((await get('/v1/leaderboards/nope/entries', 'W/"1.1"')).status).toBe(404);
    const id = await seeded();
    const ok = await get(`/v1/leaderboards/${id}/entries`);
    expect(
      (await get(`/v1/leaderboards/${id}/entries?limit=0`, ok.headers.get('etag')!)).status,
    ).toBe(400);
    expect((await get(`/v1/leaderboards/${id}/players/zz`, ok.headers.get('etag')!)).status).toBe(
      304,
    );
  });
});

describe('the per-IP read limit charged inside the read script (e2e)', () => {
  let valkey: TestValkey;
  let t: TestApp;

  beforeAll(async () => {
    valkey = await startValkey();
    t = await startApp(valkey.url, { RATE_LIMIT_READ_PER_IP: '1000' });
    const api = http(t.baseUrl);
    await api.admin('POST', '/v1/leaderboards', { id: 'rl' });
    await api.batch('rl', [{ playerId: 'a', score: 1 }]);
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await valkey?.stop();
  });

  async function evalCalls(): Promise<number> {
    const info = await valkey.client.info('commandstats');
    let calls = 0;
    for (const m of info.matchAll(/^cmdstat_(?:evalsha|eval|fcall)[^:]*:calls=(\d+)/gm)) {
      calls += Number(m[1]);
    }
    return calls;
  }

  it('answers each read with one Valkey script call, RateLimit headers included', async () => {
    const api = http(t.baseUrl);
    const before = await evalCalls();
    const reads = 40;
    for (let i = 0; i < reads / 4; i++) {
      for (const path of ['/v1/leaderboards/rl/entries', '/v1/leaderboards/rl/players/a']) {
        const res = await api.get(path);
        expect(res.status).toBe(200);
        expect(Number(res.headers.get('ratelimit-limit'))).toBe(1000);
        expect(Number(res.headers.get('ratelimit-remaining'))).toBeLessThan(1000);
      }
      expect((await api.get('/v1/leaderboards/rl/players/a/around')).status).toBe(200);
      const lookup = await api.request('POST', '/v1/leaderboards/rl/players/lookup', {
        body: { playerIds: ['a'] },
      });
      expect(lookup.status).toBe(200);
      expect(lookup.headers.get('ratelimit-limit')).toBe('1000');
    }
    // One call per read (two before: the limit's script, then the read's). Background work of
    // the api (none is expected in this second) would only add a few.
    const calls = (await evalCalls()) - before;
    expect(calls).toBeGreaterThanOrEqual(reads);
    expect(calls).toBeLessThan(reads * 1.25);
  });

  it('answers an archived period page and player read with one Valkey command each', async () => {
    const api = http(t.baseUrl);
    await api.admin('POST', '/v1/leaderboards', { id: 'arc' });
    await api.batch('arc', [
      { playerId: 'a', score: 3 },
      { playerId: 'b', score: 2 },
    ]);
    await t.app.get(ResetsRepository).reset('arc', '0000000001', null);
    // Commands clients sent, from MONITOR, which tags those a script ran with the source `lua`
    // (commandstats and total_commands_processed count a script's own calls too).
    const monitor = await valkey.client.monitor();
    let sent = 0;
    monitor.on('monitor', (_time: string, _args: string[], source: string) => {
      if (source !== 'lua') sent++;
    });
    const reads = 20;
    for (let i = 0; i < reads / 2; i++) {
      const page = await api.get('/v1/leaderboards/arc/periods/0000000001/entries');
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ periodId: '0000000001', total: 2 });
      expect(page.headers.get('ratelimit-limit')).toBe('1000');
      const player = await api.get('/v1/leaderboards/arc/periods/0000000001/players/b');
      expect(player.status).toBe(200);
      expect(player.body).toMatchObject({ periodId: '0000000001', rank: 2, total: 2 });
    }
    await new Promise((r) => setTimeout(r, 100)); // MONITOR's lines trail the replies
    monitor.disconnect();
    // One per read (four before: the limit, the board, the period, then the read); background
    // work of the api in this second would only add a few.
    expect(sent).toBeGreaterThanOrEqual(reads);
    expect(sent).toBeLessThan(reads * 1.25);
    // The board, the period and the player each still answer 404, saying which is missing.
    const missingPeriod = await api.get('/v1/leaderboards/arc/periods/0000000007/entries');
    expect(missingPeriod.status).toBe(404);
    expect(missingPeriod.body.detail).toMatch(/no archived period "0000000007"/);
    expect(missingPeriod.headers.get('ratelimit-limit')).toBe('1000');
    const missingPlayer = await api.get('/v1/leaderboards/arc/periods/0000000001/players/zz');
    expect(missingPlayer.status).toBe(404);
    expect(missingPlayer.body.detail).toMatch(/"zz" is not in period "0000000001"/);
    const current = await api.get('/v1/leaderboards/arc/periods/0000000002/players/a');
    expect(current.status).toBe(404);
    expect(current.body.detail).toMatch(/no archived period "0000000002"/);
    const missingBoard = await api.get('/v1/leaderboards/nope/periods/0000000001/entries');
    expect(missingBoard.status).toBe(404);
    expect(missingBoard.body.detail).toMatch(/nope/);
  });

  it('refuses the read over the limit with 429 and Retry-After, reading nothing', async () => {
    const tight = await startApp(valkey.url, { RATE_LIMIT_READ_PER_IP: '3' });
    try {
      const api = http(tight.baseUrl);
      // All five reads in one window of the 3/s budget.
      await inOneWindow(async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++)
          statuses.push((await api.get('/v1/leaderboards/rl/entries')).status);
        expect(statuses).toEqual([200, 200, 200, 429]);
        const refused = await api.get('/v1/leaderboards/rl/players/a');
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toBe('1');
        expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
      });
    } finally {
      await tight.close();
    }
  });
});
