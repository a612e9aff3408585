import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { LayoutMigration } from '../src/leaderboard/layout-migration';
import { http, startApp, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

type RawKey =
  | { type: 'string'; value: string }
  | { type: 'hash'; value: Record<string, string> }
  | { type: 'zset'; value: string[] };

interface GoldenEntry {
  rank: number;
  sequence?: string;
  playerId: string;
  score: number;
  displayName?: string;
  metadata?: Record<string, unknown>;
  updatedAt: number;
}

/** Boards written and read by the code before storage layout 2 (see its `about`). */
const FIXTURE = JSON.parse(
  readFileSync(join(__dirname, 'repositories', 'fixtures', 'layout1-boards.json'), 'utf8'),
) as {
  keys: Record<string, RawKey>;
  reads: Record<string, { byPeriod: Record<string, { page: { rows: GoldenEntry[] } }> }>;
};

/** The fixture's keys of one board, under another board id. */
function renamed(from: string, to: string): Record<string, RawKey> {
  const keys = Object.fromEntries(
    Object.entries(FIXTURE.keys)
      .filter(([k]) => k.startsWith(`{lb:${from}}`))
      .map(([k, v]) => [k.replace(`{lb:${from}}`, `{lb:${to}}`), structuredClone(v)]),
  );
  const cfg = keys[`{lb:${to}}:cfg`];
  if (cfg.type === 'hash') cfg.value.id = to;
  keys['{valkran:boards}:ids'] = { type: 'zset', value: [to, '0'] };
  return keys;
}

async function restore(client: Redis, keys: Record<string, RawKey>): Promise<void> {
  for (const [key, raw] of Object.entries(keys)) {
    if (raw.type === 'string') await client.set(key, raw.value);
    else if (raw.type === 'hash') await client.hset(key, raw.value);
    else await client.zadd(key, ...raw.value.flatMap((v, i, a) => (i % 2 ? [] : [a[i + 1], v])));
  }
}

/** What the API shows for an entry the code before the upgrade returned. */
const asDto = ({ sequence: _, ...e }: GoldenEntry) => ({
  ...e,
  updatedAt: new Date(e.updatedAt).toISOString(),
});

describe('upgrading a store written by the previous storage layout (api and worker processes)', () => {
  let valkey: TestValkey;
  let api: TestApp;
  let worker: TestApp;

  beforeAll(async () => {
    valkey = await startValkey();
    await restore(valkey.client, FIXTURE.keys);
    // Both kinds of process start the migration; they share the work.
    [api, worker] = await Promise.all([
      startApp(valkey.url),
      startApp(valkey.url, { APP_MODE: 'worker' }),
    ]);
  }, 30000);
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await valkey?.stop();
  });

  it('serves the boards written before the upgrade, current and archived periods, unchanged', async () => {
    const client = http(api.baseUrl);
    await waitFor(
      async () => (await client.get('/v1/leaderboards/legacy-desc/entries')).status === 200,
      10_000,
      'the boot migration',
    );
    for (const [id, golden] of Object.entries(FIXTURE.reads)) {
      for (const [period, reads] of Object.entries(golden.byPeriod)) {
        const path =
          period === 'current'
            ? `/v1/leaderboards/${id}/entries?limit=100`
            : `/v1/leaderboards/${id}/periods/${period}/entries?limit=100`;
        await waitFor(async () => (await client.get(path)).status === 200, 10_000, path);
        const res = await client.get(path);
        expect(res.body.entries).toEqual(reads.page.rows.map(asDto));
      }
    }
    const dense = await client.get('/v1/leaderboards/legacy-dense/players/c/around?limit=3');
    expect(dense.body.entries.map((e: GoldenEntry) => [e.playerId, e.rank])).toEqual([
      ['b', 2],
      ['e', 2],
      ['c', 2],
    ]);
    const submitted = await client.submit('legacy-desc', { playerId: 'p6', score: 20 });
    expect(submitted.body).toMatchObject({ rank: 5, previousRank: null, updated: true });
  });

  it('answers 503 with Retry-After for a board still in the old layout, then serves it', async () => {
    // A board restored from an older backup while the processes run: the next pass converts it.
    await restore(valkey.client, renamed('legacy-dense', 'restored'));
    const client = http(api.baseUrl);
    for (const res of [
      await client.get('/v1/leaderboards/restored/entries'),
      await client.get('/v1/leaderboards/restored/players/a'),
      await client.submit('restored', { playerId: 'zed', score: 1 }),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await api.app.get(LayoutMigration).migrateAll()).toBe(1);
    const page = await client.get('/v1/leaderboards/restored/entries');
    expect(page.status).toBe(200);
    expect(page.body.entries).toEqual(
      FIXTURE.reads['legacy-dense'].byPeriod.current.page.rows.map(asDto),
    );
  });

  it('converts a board whose reset job comes before the conversion pass, then resets it', async () => {
    await restore(valkey.client, renamed('legacy-desc', 'resettable'));
    const client = http(api.baseUrl);
    expect((await client.get('/v1/leaderboards/resettable/entries')).status).toBe(503);
    const res = await client.admin('POST', '/v1/leaderboards/resettable/reset');
    expect(res.status).toBe(202);
    await waitFor(
      async () =>
        (await client.get('/v1/leaderboards/resettable')).body.period?.id === '0000000004',
      10_000,
      'the reset',
    );
    const archived = await client.get('/v1/leaderboards/resettable/periods/0000000003/entries');
    expect(archived.body.entries).toEqual(
      FIXTURE.reads['legacy-desc'].byPeriod.current.page.rows.map(asDto),
    );
    expect((await client.get('/v1/leaderboards/resettable/entries')).body.total).toBe(0);
  });
});
