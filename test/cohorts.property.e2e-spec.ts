import fc from 'fast-check';
import { BoardsService } from '../src/leaderboard/boards.service';
import { CohortsService } from '../src/leaderboard/cohorts.service';
import { StandingsService } from '../src/leaderboard/standings.service';
import { LeagueSettlement } from '../src/ranking-jobs/resets/league-settlement';
import { ResetsRepository } from '../src/ranking-jobs/resets/resets.repository';
import { SubmissionsService } from '../src/scores/submissions.service';
import { startApp, TestApp } from './support/app';
import { ModelConfig, ReferenceBoard } from './support/reference-model';
import { startValkey, TestValkey } from './support/valkey';

interface League {
  name: string;
  promote: number;
  demote: number;
}

interface Ranked {
  playerId: string;
  score: number;
  rank: number;
}

/** Ranks rows already in board order (best first, ties earliest first) by the rank mode. */
function rankRows(
  rows: { playerId: string; score: number }[],
  mode: ModelConfig['rankMode'],
): Ranked[] {
  const out: Ranked[] = [];
  let dense = 0;
  rows.forEach((r, i) => {
    const fresh = i === 0 || rows[i - 1].score !== r.score;
    if (fresh) dense++;
    let rank = i + 1;
    if (mode === 'competition') rank = fresh ? i + 1 : out[i - 1].rank;
    if (mode === 'dense') rank = dense;
    out.push({ playerId: r.playerId, score: r.score, rank });
  });
  return out;
}

/**
 * Cohorts and leagues as the issue states them, over the plain reference board: placement at the
 * first accepted submit in arrival order into the newest cohort of the player's league with room,
 * cohort ranks by the board's rules, and at each close the top `promote` of every cohort up one
 * league and the bottom `demote` of the others down one; with `demoteInactive`, every player
 * with a league above the lowest who was not placed in the period down one too.
 */
class CohortModel {
  board: ReferenceBoard;
  readonly league = new Map<string, number>();
  placed = new Map<string, number>();
  cohorts: { league: number; members: string[] }[] = [];
  open = new Map<number, number>();
  readonly archived: { cohorts: Ranked[][]; leagues: number[] }[] = [];
  readonly movements: { playerId: string; from: number; to: number }[][] = [];

  constructor(
    readonly config: ModelConfig,
    readonly size: number,
    readonly leagues: League[],
    readonly demoteInactive = false,
  ) {
    this.board = new ReferenceBoard(config);
  }

  submit(playerId: string, score: number) {
    const r = this.board.submit(playerId, score);
    if (r === 'out-of-bounds' || r === 'bad-subscores') return r;
    if (!this.placed.has(playerId)) {
      let L = 0;
      if (this.leagues.length) {
        if (!this.league.has(playerId)) this.league.set(playerId, 0);
        L = this.league.get(playerId)!;
      }
      const o = this.open.get(L);
      if (o !== undefined && this.cohorts[o - 1].members.length < this.size) {
        this.cohorts[o - 1].members.push(playerId);
        this.placed.set(playerId, o);
      } else {
        this.cohorts.push({ league: L, members: [playerId] });
        this.open.set(L, this.cohorts.length);
        this.placed.set(playerId, this.cohorts.length);
      }
    }
    const cohortId = this.placed.get(playerId)!;
    const ranked = this.cohortRanked(cohortId);
    const me = ranked.find((x) => x.playerId === playerId)!;
    return { ...r, cohortId, cohortRank: me.rank, cohortTotal: ranked.length };
  }

  cohortRanked(cohortId: number): Ranked[] {
    const members = new Set(this.cohorts[cohortId - 1].members);
    const rows = this.board.sorted().filter((r) => members.has(r.playerId));
    return rankRows(rows, this.config.rankMode);
  }

  close(): void {
    const moves: { playerId: string; from: number; to: number }[] = [];
    const cohorts = this.cohorts.map((_, i) => this.cohortRanked(i + 1));
    if (this.leagues.length) {
      this.cohorts.forEach((c, i) => {
        const s = cohorts[i].length;
        const L = c.league;
        const up = L < this.leagues.length - 1 ? Math.min(this.leagues[L].promote, s) : 0;
        const down = L > 0 ? Math.min(this.leagues[L].demote, s - up) : 0;
        cohorts[i].forEach((row, pos) => {
          const to = pos < up ? L + 1 : pos >= s - down ? L - 1 : L;
          if (to === L) return;
          this.league.set(row.playerId, to);
          moves.push({ playerId: row.playerId, from: L, to });
        });
      });
    }
    if (this.demoteInactive) {
      for (const [playerId, L] of this.league) {
        if (L === 0 || this.placed.has(playerId)) continue;
        this.league.set(playerId, L - 1);
        moves.push({ playerId, from: L, to: L - 1 });
      }
    }
    this.archived.push({ cohorts, leagues: this.cohorts.map((c) => c.league) });
    this.movements.push(moves);
    this.board = new ReferenceBoard(this.config);
    this.placed = new Map();
    this.cohorts = [];
    this.open = new Map();
  }
}

type Op =
  | { kind: 'submit'; player: number; score: number }
  | { kind: 'batch'; entries: { player: number; score: number }[] }
  | { kind: 'reset'; settle: 'now' | 'later'; step: number };

const score = fc.integer({ min: -4, max: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({ kind: fc.constant('submit' as const), player: fc.nat(11), score }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      entries: fc.array(fc.record({ player: fc.nat(11), score }), { minLength: 1, maxLength: 6 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reset' as const),
      settle: fc.constantFrom('now' as const, 'later' as const),
      step: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

const setup = fc
  .record({
    size: fc.integer({ min: 2, max: 4 }),
    leagueCount: fc.integer({ min: 0, max: 4 }),
    demoteInactive: fc.boolean(),
    rules: fc.array(fc.record({ promote: fc.nat(4), demote: fc.nat(4) }), {
      minLength: 4,
      maxLength: 4,
    }),
    config: fc.record({
      sortOrder: fc.constantFrom('desc' as const, 'asc' as const),
      updateMode: fc.constantFrom('best' as const, 'latest' as const, 'increment' as const),
      rankMode: fc.constantFrom('ordinal' as const, 'competition' as const, 'dense' as const),
    }),
  })
  .map(({ size, leagueCount, demoteInactive, rules, config }) => ({
    size,
    demoteInactive: demoteInactive && leagueCount > 0,
    config: { ...config, minScore: -Number.MAX_SAFE_INTEGER, maxScore: Number.MAX_SAFE_INTEGER },
    leagues: rules.slice(0, leagueCount).map((r, i) => {
      const promote = Math.min(r.promote, size);
      return { name: `L${i}`, promote, demote: Math.min(r.demote, size - promote) };
    }),
  }));

const pid = (n: number) => `p${n}`;
const periodOf = (n: number) => String(n).padStart(10, '0');

describe('cohorts and leagues against a reference model (property, real Valkey)', () => {
  let valkey: TestValkey;
  let t: TestApp;
  let n = 0;

  beforeAll(async () => {
    valkey = await startValkey();
    t = await startApp(valkey.url);
  });
  afterAll(async () => {
    await t.close();
    await valkey.stop();
  });

  it('matches cohort membership, cohort and board ranks, promotions and demotions', async () => {
    const boards = t.app.get(BoardsService);
    const scores = t.app.get(SubmissionsService);
    const cohorts = t.app.get(CohortsService);
    const standings = t.app.get(StandingsService);
    const resets = t.app.get(ResetsRepository);
    const settlement = t.app.get(LeagueSettlement);
    await fc.assert(
      fc.asyncProperty(setup, fc.array(op, { minLength: 1, maxLength: 40 }), async (s, ops) => {
        const id = `cprop${++n}`;
        await boards.create(id, {
          ...s.config,
          cohortSize: s.size,
          leagues: s.leagues,
          demoteInactive: s.demoteInactive,
        });
        const model = new CohortModel(s.config, s.size, s.leagues, s.demoteInactive);
        const pick = (r: {
          rank: number;
          score: number;
          cohortId?: number;
          cohortRank?: number;
          cohortTotal?: number;
        }) => ({
          rank: r.rank,
          score: r.score,
          cohortId: r.cohortId,
          cohortRank: r.cohortRank,
          cohortTotal: r.cohortTotal,
        });
        let period = 1;
        for (const o of ops) {
          if (o.kind === 'submit') {
            const expected = model.submit(pid(o.player), o.score);
            const actual = await scores.submit(id, { playerId: pid(o.player), score: o.score });
            expect(pick(actual.result)).toEqual(pick(expected as Exclude<typeof expected, string>));
          } else if (o.kind === 'batch') {
            const actual = await scores.submitBatch(
              id,
              o.entries.map((e) => ({ playerId: pid(e.player), score: e.score })),
            );
            const expected = o.entries.map((e) => model.submit(pid(e.player), e.score));
            expect(actual.result.results.map(pick)).toEqual(
              expected.map((e) => pick(e as Exclude<typeof e, string>)),
            );
          } else {
            await resets.reset(id, periodOf(period), null);
            model.close();
            period++;
            if (o.settle === 'now') await settlement.settle(id, o.step);
          }
        }
        await settlement.settle(id, 2);

        // Every period's cohorts, current and archived, as the model has them.
        const check = async (
          periodId: string | undefined,
          expected: { cohorts: Ranked[][]; leagues: number[] },
        ) => {
          const list = await cohorts.list(id, 0, 1000, periodId);
          expect(list.total).toBe(expected.cohorts.length);
          expect(list.cohorts).toEqual(
            expected.cohorts.map((c, i) => ({
              cohortId: i + 1,
              ...(s.leagues.length ? { league: s.leagues[expected.leagues[i]].name } : {}),
              size: c.length,
            })),
          );
          for (const [i, c] of expected.cohorts.entries()) {
            const page = await cohorts.page(id, i + 1, 0, 1000, periodId);
            expect(
              page.entries.map((e) => ({ playerId: e.playerId, score: e.score, rank: e.rank })),
            ).toEqual(c);
          }
        };
        for (const [i, a] of model.archived.entries()) await check(periodOf(i + 1), a);
        await check(undefined, {
          cohorts: model.cohorts.map((_, i) => model.cohortRanked(i + 1)),
          leagues: model.cohorts.map((c) => c.league),
        });

        // Board ranks of the current period.
        const page = await standings.page(id, 0, 1000);
        expect(
          page.entries.map((e) => ({ playerId: e.playerId, score: e.score, rank: e.rank })),
        ).toEqual(model.board.ranked());

        if (s.leagues.length) {
          const byPlayer = <T extends { playerId: string }>(m: T[]): T[] =>
            [...m].sort((a, b) => (a.playerId < b.playerId ? -1 : 1));
          for (const [i, moves] of model.movements.entries()) {
            const actual = await cohorts.movements(id, periodOf(i + 1), 0, 1000);
            expect(actual.settled).toBe(true);
            expect(byPlayer(actual.movements).map((m) => [m.playerId, m.from, m.to])).toEqual(
              byPlayer(moves).map((m) => [
                m.playerId,
                s.leagues[m.from].name,
                s.leagues[m.to].name,
              ]),
            );
          }
          const counts = s.leagues.map(() => 0);
          for (const L of model.league.values()) counts[L]++;
          const leagues = await cohorts.leagues(id);
          expect(leagues.pendingPeriods).toBe(0);
          expect(leagues.leagues.map((l) => l.players)).toEqual(counts);
          for (const row of model.board.ranked()) {
            const p = await standings.player(id, row.playerId);
            expect(p.league).toBe(s.leagues[model.league.get(row.playerId)!].name);
          }
        }
        await boards.delete(id);
      }),
      { numRuns: 80 },
    );
  }, 180000);
});
