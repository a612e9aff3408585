import type { ChildProcess } from 'node:child_process';
import { LeagueSettlement } from '../src/ranking-jobs/resets/league-settlement';
import { http, startApp, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';
import { exited, killAll, requireBuild, startWorker } from './support/worker-process';

const LEAGUES = [
  { name: 'bronze', promote: 1, demote: 0 },
  { name: 'silver', promote: 1, demote: 1 },
  { name: 'gold', promote: 0, demote: 1 },
];
const PLAYERS = 10_000;
const COHORT = 5; // 2,000 cohorts a period: a settlement of well over a hundred steps
const BOARD = 'weekly';
const players = Array.from({ length: PLAYERS }, (_, i) => `p${i}`);

interface Standing {
  playerId: string;
  league: string;
  cohortId: number;
  cohortRank: number;
  cohortTotal: number;
}

interface Move {
  playerId: string;
  from: string;
  to: string;
  cohortId: number;
  cohortRank: number;
}

describe('a worker killed with SIGKILL in the middle of a league settlement', () => {
  let valkey: TestValkey;
  let api: TestApp;
  const workers: ChildProcess[] = [];
  const client = () => http(api.baseUrl);

  beforeAll(async () => {
    requireBuild();
    valkey = await startValkey();
    api = await startApp(valkey.url, { APP_MODE: 'api' });
  }, 30_000);
  afterAll(async () => {
    await valkey?.client.call('CLIENT', 'UNPAUSE').catch(() => undefined);
    await killAll(workers);
    await api?.close();
    await valkey?.stop();
  });

  /** One period of play: every player submits once, with distinct scores (no ties). */
  async function play(period: number): Promise<void> {
    for (let i = 0; i < PLAYERS; i += 1000) {
      const entries = players
        .slice(i, i + 1000)
        .map((playerId, j) => ({ playerId, score: ((i + j) * (7919 + period) + period) % 10007 }));
      expect((await client().batch(BOARD, entries)).status).toBe(200);
    }
  }

  async function standings(): Promise<Standing[]> {
    const out: Standing[] = [];
    for (let i = 0; i < PLAYERS; i += 100) {
      const res = await client().request('POST', `/v1/leaderboards/${BOARD}/players/lookup`, {
        body: { playerIds: players.slice(i, i + 100) },
      });
      expect(res.status).toBe(200);
      out.push(...(res.body.entries as Standing[]));
    }
    return out;
  }

  async function movements(periodId: string): Promise<{ total: number; list: Move[] }> {
    const list: Move[] = [];
    let total = 0;
    for (let offset = 0; ; offset += 1000) {
      const res = await client().get(
        `/v1/leaderboards/${BOARD}/periods/${periodId}/movements?offset=${offset}&limit=1000`,
      );
      expect(res.status).toBe(200);
      expect(res.body.settled).toBe(true);
      total = res.body.total;
      list.push(...(res.body.movements as Move[]));
      if (res.body.movements.length < 1000) return { total, list };
    }
  }

  const leagueCounts = async () => (await client().get(`/v1/leaderboards/${BOARD}/leagues`)).body;
  const settled = () =>
    waitFor(async () => (await leagueCounts()).pendingPeriods === 0, 60_000, 'the settlement', 100);
  const reset = async () =>
    expect((await client().admin('POST', `/v1/leaderboards/${BOARD}/reset`)).status).toBe(202);

  it('ends with every player in exactly one league, each cohort moved once', async () => {
    workers.push(await startWorker(valkey.url));
    expect(
      (
        await client().admin('POST', '/v1/leaderboards', {
          id: BOARD,
          cohortSize: COHORT,
          leagues: LEAGUES,
        })
      ).status,
    ).toBe(201);
    // Period 1, closed undisturbed: the players spread over bronze and silver.
    await play(1);
    await reset();
    await settled();
    await play(2);

    // The reference, from the standings before the close: each player's cohort, its league and
    // their rank in it (distinct scores: ranks are positions).
    const before = await standings();
    const expectedLeague = new Map<string, string>();
    const expectedMoves = new Map<string, Move>();
    for (const s of before) {
      const L = LEAGUES.findIndex((l) => l.name === s.league);
      const up = L < LEAGUES.length - 1 ? Math.min(LEAGUES[L].promote, s.cohortTotal) : 0;
      const down = L > 0 ? Math.min(LEAGUES[L].demote, s.cohortTotal - up) : 0;
      const to = s.cohortRank <= up ? L + 1 : s.cohortRank > s.cohortTotal - down ? L - 1 : L;
      expectedLeague.set(s.playerId, LEAGUES[to].name);
      if (to !== L) {
        expectedMoves.set(s.playerId, {
          playerId: s.playerId,
          from: s.league,
          to: LEAGUES[to].name,
          cohortId: s.cohortId,
          cohortRank: s.cohortRank,
        });
      }
    }
    expect(new Set(before.map((s) => s.league))).toEqual(new Set(['bronze', 'silver']));

    // Close period 2 and kill the worker once its settlement has made progress: Valkey pauses
    // writes (the worker's next step waits), the worker dies, Valkey resumes.
    const [h] = await valkey.client.keys(`{lb:${BOARD}}:co:*:0000000002:h`);
    const cohorts = Number(await valkey.client.hget(h, 'n'));
    expect(cohorts).toBeGreaterThanOrEqual(PLAYERS / COHORT);
    const cursor = async () => Number((await valkey.client.hget(h, 's')) ?? 1);
    await reset();
    await waitFor(async () => (await cursor()) > 1, 30_000, 'the settlement to start', 2);
    await valkey.client.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    const victim = workers[0];
    victim.kill('SIGKILL');
    await exited(victim);
    const killedAt = await cursor();
    await valkey.client.call('CLIENT', 'UNPAUSE');
    expect(killedAt).toBeGreaterThan(1);
    expect(killedAt).toBeLessThanOrEqual(cohorts); // cohorts were left for the others
    expect((await leagueCounts()).pendingPeriods).toBe(1);

    // Two fresh workers; one takes the killed worker's job over once its lock lapses, and a
    // settler in this process races it as soon as it resumes.
    workers.push(...(await Promise.all([startWorker(valkey.url), startWorker(valkey.url)])));
    await waitFor(async () => (await cursor()) > killedAt, 30_000, 'a worker to resume', 2);
    const raced = await api.app.get(LeagueSettlement).settle(BOARD);
    await settled();
    console.log(
      `killed at cohort ${killedAt} of ${cohorts}; the racing settler finished ` +
        `${raced.length ? 'the period' : 'nothing (the worker did)'}`,
    );

    // Every player is in exactly one league, the one the rules put them in.
    const counts = LEAGUES.map((l) => [...expectedLeague.values()].filter((x) => x === l.name));
    expect((await leagueCounts()).leagues).toEqual(
      LEAGUES.map((l, i) => ({ name: l.name, players: counts[i].length })),
    );
    expect(await valkey.client.hlen((await valkey.client.keys(`{lb:${BOARD}}:co:*:lg`))[0])).toBe(
      PLAYERS,
    );
    // Each movement recorded once, as the reference has it.
    const moves = await movements('0000000002');
    expect(moves.total).toBe(expectedMoves.size);
    expect(Number(await valkey.client.hget(h, 'mvn'))).toBe(expectedMoves.size);
    expect(moves.list).toHaveLength(expectedMoves.size);
    expect(new Set(moves.list.map((m) => m.playerId)).size).toBe(expectedMoves.size);
    for (const m of moves.list) expect(m).toEqual(expectedMoves.get(m.playerId));
    // One more period shows each player's league on their standing.
    await play(3);
    const after = await standings();
    expect(after).toHaveLength(PLAYERS);
    for (const s of after) expect(s.league).toBe(expectedLeague.get(s.playerId));
  }, 180_000);
});
