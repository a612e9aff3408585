import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { BoardsRepository } from '../../src/leaderboard/boards.repository';
import { LayoutMigration } from '../../src/leaderboard/layout-migration';
import { LayoutMigrationRepository } from '../../src/leaderboard/layout-migration.repository';
import { PeriodsRepository } from '../../src/leaderboard/periods.repository';
import { StandingsRepository } from '../../src/leaderboard/standings.repository';
import type { PeriodRef } from '../../src/leaderboard/board';
import { ResetsRepository } from '../../src/ranking-jobs/resets/resets.repository';
import { ScoresRepository } from '../../src/scores/scores.repository';
import { StorageLayoutPendingError } from '../../src/valkey/lua-script';
import { NO_KEY, useRepositories } from '../support/repositories';

type RawKey =
  | { type: 'string'; value: string }
  | { type: 'hash'; value: Record<string, string> }
  | { type: 'zset'; value: string[] };

interface Fixture {
  keys: Record<string, RawKey>;
  reads: Record<
    string,
    {
      board: unknown;
      memberCount: number;
      periods: unknown[];
      byPeriod: Record<string, Record<string, unknown>>;
    }
  >;
}

/** Boards written and read by the code before storage layout 2 (see the file's `about`). */
const FIXTURE = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'layout1-boards.json'), 'utf8'),
) as Fixture;

/** Writes keys as they are, with plain commands. */
async function restore(client: Redis, keys: Record<string, RawKey>): Promise<void> {
  for (const [key, raw] of Object.entries(keys)) {
    if (raw.type === 'string') await client.set(key, raw.value);
    else if (raw.type === 'hash') await client.hset(key, raw.value);
    else await client.zadd(key, ...raw.value.flatMap((v, i, a) => (i % 2 ? [] : [a[i + 1], v])));
  }
}

/** The k of a score (layout 1 and 2 alike): negated on desc boards. */
const kOf = (order: string, score: number): number => (order === 'desc' ? -score : score) || 0;

/**
 * A layout-1 board as that version's scripts leave it, generated: `players` players with
 * sequences 1..n (player i wrote i-th), scores with many ties, names on some, dense keys on
 * dense boards, and the same again archived as period 0000000001 when `archived`.
 */
async function writeLegacyBoard(
  client: Redis,
  id: string,
  opts: { players: number; rankMode: string; sortOrder: string; archived: boolean },
): Promise<void> {
  const tag = `{lb:${id}}`;
  const at = 1_790_000_000_000;
  const period = async (base: string, offset: number) => {
    const z: (string | number)[] = [];
    const h: Record<string, string> = {};
    const counts = new Map<number, number>();
    for (let i = 0; i < opts.players; i++) {
      const seq = (offset + i + 1).toString(16).padStart(14, '0');
      const pid = `u${i}`;
      const score = (i * 7919) % 97;
      const k = kOf(opts.sortOrder, score);
      z.push(k, seq + pid);
      h[pid] =
        `${seq}\t${at + i}\t${score}\t${i % 3 ? `Name ${i}` : ''}\t${i % 5 ? '' : '{"i":' + i + '}'}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (let i = 0; i < z.length; i += 2000)
      await client.zadd(`${base}:z`, ...z.slice(i, i + 2000));
    await client.hset(`${base}:h`, h);
    if (opts.rankMode === 'dense') {
      await client.zadd(`${base}:dz`, ...[...counts.keys()].flatMap((k) => [k, String(k)]));
      await client.hset(
        `${base}:dc`,
        Object.fromEntries([...counts].map(([k, c]) => [String(k), String(c)])),
      );
    }
  };
  await client.hset(`${tag}:cfg`, {
    title: id,
    sortOrder: opts.sortOrder,
    updateMode: 'best',
    rankMode: opts.rankMode,
    resetSchedule: '',
    timezone: 'UTC',
    minScore: '-9007199254740991',
    maxScore: '9007199254740991',
    retainPeriods: '7',
    tiers: '[]',
    id,
    createdAt: String(at),
    period: opts.archived ? '0000000002' : '0000000001',
    periodStartedAt: String(at + 1000),
  });
  await period(`${tag}:cur`, opts.archived ? opts.players : 0);
  if (opts.archived) {
    await period(`${tag}:arc:0000000001`, 0);
    await client.zadd(`${tag}:periods`, at + 1000, '0000000001');
    await client.hset(
      `${tag}:pmeta`,
      '0000000001',
      JSON.stringify({ startedAt: at, endedAt: at + 1000, total: opts.players }),
    );
  }
  await client.set(`${tag}:seq`, String(opts.players * (opts.archived ? 2 : 1)));
  await client.zadd('{valkran:boards}:ids', 0, id);
}

/** The order layout 1 defines for the generated boards: k, then sequence (= player index). */
function expectedOrder(players: number, sortOrder: string): string[] {
  return Array.from({ length: players }, (_, i) => i)
    .sort((a, b) => {
      const ka = kOf(sortOrder, (a * 7919) % 97);
      const kb = kOf(sortOrder, (b * 7919) % 97);
      return ka - kb || a - b;
    })
    .map((i) => `u${i}`);
}

/** A read's result without the version (which layout 1 did not have). */
function withoutVersion(r: unknown): unknown {
  if (Array.isArray(r)) return r.map(withoutVersion);
  if (r && typeof r === 'object' && 'status' in r) {
    const { version, ...rest } = r as Record<string, unknown>;
    expect(typeof version === 'string' || version === undefined).toBe(true);
    return rest;
  }
  return r;
}

describe('LayoutMigration (storage layout 1 -> 2 against real Valkey)', () => {
  const f = useRepositories('migr');
  const standings = () => new StandingsRepository(f.connections);
  const scores = () => new ScoresRepository(f.connections);
  const resets = () => new ResetsRepository(f.connections);
  const periods = () => new PeriodsRepository(f.connections);
  const migrator = () =>
    new LayoutMigration(
      new LayoutMigrationRepository(f.connections),
      new BoardsRepository(f.connections),
    );

  beforeAll(async () => {
    await restore(f.valkey.client, FIXTURE.keys);
  });

  it('refuses every script on a board not migrated yet, with the 503 error, writing nothing', async () => {
    const before = await f.valkey.client.zrange('{lb:legacy-desc}:cur:z', '0', '-1', 'WITHSCORES');
    const refused = [
      standings().page('legacy-desc', 'current', 0, 10),
      standings().players('legacy-desc', { archived: '0000000001' }, ['alice']),
      standings().around('legacy-dense', 'current', 'a', 3),
      scores().submit('legacy-desc', { playerId: 'zed', score: 1 }, NO_KEY),
      scores().submitBatch('legacy-desc', [{ playerId: 'zed', score: 1 }], NO_KEY),
      scores().remove('legacy-desc', 'bob'),
      scores().purgeChunk('legacy-desc', 0, 1000, 10),
      scores().eraseEverywhere('legacy-desc', 'alice'),
      resets().reset('legacy-desc', '0000000003', null),
    ];
    for (const r of refused) {
      await expect(r).rejects.toBeInstanceOf(StorageLayoutPendingError);
      await expect(r).rejects.toMatchObject({ outcome: 'not-applied' });
    }
    expect(await f.valkey.client.zrange('{lb:legacy-desc}:cur:z', '0', '-1', 'WITHSCORES')).toEqual(
      before,
    );
    expect(await f.valkey.client.exists('{lb:legacy-desc}:ver')).toBe(0);
  });

  it('converts every board, current and archived periods alike, once', async () => {
    expect(await migrator().migrateAll()).toBe(3);
    expect(await migrator().migrateAll()).toBe(0);
    for (const id of Object.keys(FIXTURE.reads)) {
      expect(await f.valkey.client.hget(`{lb:${id}}:cfg`, 'layout')).toBe('2');
    }
    // No layout-1 record, counts hash or half-built zset is left.
    const left = await f.valkey.client.keys('{lb:legacy-*}:*');
    expect(left.filter((k) => /:(h|dc|zn)$/.test(k))).toEqual([]);
    expect(left).toContain('{lb:legacy-dense}:arc:0000000001:dz');
    expect(left).toContain('{lb:legacy-desc}:arc:0000000002:r');
  });

  it.each(Object.keys(FIXTURE.reads))(
    '%s reads exactly as the code before it returned: pages, players, around, archives',
    async (id) => {
      const golden = FIXTURE.reads[id];
      // Boards stored before tournament, cohort and reward options existed read as boards
      // without them.
      const noTournament = {
        startsAt: null,
        endsAt: null,
        activeFor: null,
        joinRequired: false,
        maxPlayers: null,
        maxAttempts: null,
        cohortSize: null,
        leagues: [],
        demoteInactive: false,
        rewards: [],
        resultsTop: 100,
      };
      expect(JSON.parse(JSON.stringify(await f.boards.get(id)))).toEqual({
        ...(golden.board as object),
        ...noTournament,
      });
      expect(await f.boards.memberCount(id)).toBe(golden.memberCount);
      expect(await periods().list(id)).toEqual(golden.periods);
      for (const [name, expected] of Object.entries(golden.byPeriod)) {
        const ref: PeriodRef = name === 'current' ? 'current' : { archived: name };
        const page = await standings().page(id, ref, 0, 100);
        const ids = page.status === 'ok' ? page.rows.map((e) => e.playerId) : [];
        const actual = {
          page,
          pageMid: await standings().page(id, ref, 2, 2),
          pagePastEnd: await standings().page(id, ref, 1000, 10),
          players: await standings().players(id, ref, [...ids, 'nobody']),
          around: await Promise.all(ids.map((p) => standings().around(id, ref, p, 3))),
          aroundMissing: await standings().around(id, ref, 'nobody', 3),
        };
        expect(JSON.parse(JSON.stringify(withoutVersion(Object.values(actual))))).toEqual(
          Object.values(expected),
        );
      }
    },
  );

  it('takes writes afterwards: the sequence goes on, ties stay first-come, resets work', async () => {
    // legacy-desc's current period: p4 25, p2 20, p3 20, p5 20, p1 10.
    const r = await scores().submit('legacy-desc', { playerId: 'p6', score: 20 }, NO_KEY);
    expect(r).toMatchObject({ status: 'ok', value: { rank: 5, previousRank: null } });
    const again = await scores().submit('legacy-desc', { playerId: 'p1', score: 20 }, NO_KEY);
    expect(again).toMatchObject({ status: 'ok', value: { rank: 6, previousRank: 6 } });
    const page = await standings().page('legacy-desc', 'current', 0, 10);
    expect(page.status === 'ok' && page.rows.map((e) => [e.playerId, e.rank, e.score])).toEqual([
      ['p4', 1, 25],
      ['p2', 2, 20],
      ['p3', 3, 20],
      ['p5', 4, 20],
      ['p6', 5, 20],
      ['p1', 6, 20],
    ]);
    // Dense: a new player tied with migrated ones shares their rank and lists after them.
    expect(
      await scores().submit('legacy-dense', { playerId: 'g', score: 3 }, NO_KEY),
    ).toMatchObject({ status: 'ok', value: { rank: 2 } });
    const dense = await standings().page('legacy-dense', 'current', 0, 10);
    expect(dense.status === 'ok' && dense.rows.map((e) => [e.playerId, e.rank])).toEqual([
      ['d', 1],
      ['a', 2],
      ['b', 2],
      ['e', 2],
      ['c', 2],
      ['g', 2],
    ]);
    // A migrated player's name and metadata survive a write that does not change them.
    await scores().submit('legacy-desc', { playerId: 'p4', score: 30 }, NO_KEY);
    const p4 = await standings().players('legacy-desc', 'current', ['p4']);
    expect(p4.status === 'ok' && p4.rows[0].entry).toMatchObject({
      score: 30,
      rank: 1,
      metadata: { level: 3 },
    });
    // The migrated current period archives like any other.
    expect(await resets().reset('legacy-desc', '0000000003', null)).toMatchObject({
      status: 'reset',
    });
    const archived = await standings().page('legacy-desc', { archived: '0000000003' }, 0, 2);
    expect(archived.status === 'ok' && archived.rows.map((e) => e.playerId)).toEqual(['p4', 'p2']);
    await expect(scores().eraseEverywhere('legacy-desc', 'alice')).resolves.toEqual([
      '0000000001',
      '0000000002',
    ]);
  });

  it('converts big boards in bounded steps, with processes racing, to the same standings', async () => {
    const boards = [
      { id: 'big-dense', players: 4000, rankMode: 'dense', sortOrder: 'asc', archived: true },
      { id: 'big-desc', players: 3000, rankMode: 'ordinal', sortOrder: 'desc', archived: false },
    ];
    for (const b of boards) await writeLegacyBoard(f.valkey.client, b.id, b);
    const repo = new LayoutMigrationRepository(f.connections);
    // One bounded step converts about its count of players, and says how many are left.
    const step = await repo.migratePeriod('big-desc', null, 500);
    if (step.status !== 'more') throw new Error(step.status);
    expect(step.left).toBeGreaterThan(2000);
    expect(step.left).toBeLessThan(3000);
    expect(await f.valkey.client.zcard('{lb:big-desc}:cur:zn')).toBe(3000 - step.left);
    // Three processes at once, each converting whatever is left.
    const outcomes = await Promise.all([
      migrator().migrateBoard('big-dense'),
      migrator().migrateBoard('big-dense'),
      migrator().migrateAll(),
      migrator().migrateBoard('big-desc'),
    ]);
    expect(outcomes.filter((o) => o === 'migrated').length).toBeGreaterThanOrEqual(1);
    for (const b of boards) {
      expect(await f.valkey.client.hget(`{lb:${b.id}}:cfg`, 'layout')).toBe('2');
      const refs: PeriodRef[] = b.archived ? ['current', { archived: '0000000001' }] : ['current'];
      for (const ref of refs) {
        const page = await standings().page(b.id, ref, 0, 5000);
        if (page.status !== 'ok') throw new Error(page.status);
        expect(page.header.total).toBe(b.players);
        expect(page.rows.map((e) => e.playerId)).toEqual(expectedOrder(b.players, b.sortOrder));
        // Dense ranks count distinct scores; names and metadata came along.
        const distinct = new Set(page.rows.map((e) => e.score)).size;
        if (b.rankMode === 'dense') expect(page.rows[page.rows.length - 1].rank).toBe(distinct);
        const u5 = page.rows.find((e) => e.playerId === 'u5');
        expect(u5).toMatchObject({ displayName: 'Name 5', metadata: { i: 5 } });
        const u3 = page.rows.find((e) => e.playerId === 'u3');
        expect(u3?.displayName).toBeUndefined();
      }
    }
    // The records live in buckets: many fields, none of them huge.
    const fields = await f.valkey.client.hlen('{lb:big-dense}:cur:r');
    expect(fields).toBeGreaterThan(4000 / 24);
    expect(await f.valkey.client.keys('{lb:big-*}:*:h')).toEqual([]);
    expect(await f.valkey.client.keys('{lb:big-*}:*:dc')).toEqual([]);
  });

  it('leaves boards created in the current layout alone', async () => {
    const board = await f.board();
    await scores().submit(board.id, { playerId: 'a', score: 1 }, NO_KEY);
    expect(await f.valkey.client.hget(`{lb:${board.id}}:cfg`, 'layout')).toBe('2');
    expect(await migrator().migrateBoard(board.id)).toBe('already');
    expect(await migrator().migrateBoard('never-created')).toBe('gone');
  });
});
