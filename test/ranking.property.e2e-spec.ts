import fc from 'fast-check';
import { StandingsService } from '../src/leaderboard/standings.service';
import { BoardsService } from '../src/leaderboard/boards.service';
import { ModerationService } from '../src/scores/moderation.service';
import { SubmissionsService } from '../src/scores/submissions.service';
import { ProblemException } from '../src/common/problem';
import { aroundStart } from '../src/leaderboard/rank-maths';
import { startApp, TestApp } from './support/app';
import { ModelConfig, ReferenceBoard } from './support/reference-model';
import { startValkey, TestValkey } from './support/valkey';

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * Maps the service's 400 to the model's refusal, by the field it names ('…subscores' or
 * '…score'); anything else fails the test.
 */
function refusal(e: unknown): 'out-of-bounds' | 'bad-subscores' {
  if (e instanceof ProblemException && e.getStatus() === 400) {
    const body = e.getResponse() as { errors?: { path: string }[] };
    return body.errors?.[0]?.path.endsWith('subscores') ? 'bad-subscores' : 'out-of-bounds';
  }
  throw e;
}

/** Scores that collide often, plus the extremes of the safe range. */
const score = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(MAX, MAX - 1, -MAX, -MAX + 1, 2 ** 52, 2 ** 52 + 1),
  fc.integer({ min: -MAX, max: MAX }),
);

const config: fc.Arbitrary<ModelConfig> = fc.record({
  sortOrder: fc.constantFrom('desc' as const, 'asc' as const),
  updateMode: fc.constantFrom('best' as const, 'latest' as const, 'increment' as const),
  rankMode: fc.constantFrom('ordinal' as const, 'competition' as const, 'dense' as const),
  minScore: fc.constantFrom(-MAX, -10),
  maxScore: fc.constantFrom(MAX, 10),
  // Tie-break columns (issue 9): none on about half the boards, else 1-3 in random directions.
  tiebreakers: fc.oneof(
    fc.constant([] as ('desc' | 'asc')[]),
    fc.array(fc.constantFrom('desc' as const, 'asc' as const), { minLength: 1, maxLength: 3 }),
  ),
});

/** Subscores that collide often, plus the extremes of the safe range. */
const subscore = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -2, max: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(MAX, MAX - 1, -MAX, -MAX + 1, 2 ** 52, -(2 ** 52) - 1) },
  { weight: 1, arbitrary: fc.integer({ min: -MAX, max: MAX }) },
);

/**
 * What an entry sends as subscores: `fit` one per column of the board (none on a board
 * without), `omit` none, `raw` 1-3 whatever the board has (usually a refusal).
 */
interface Subs {
  how: 'fit' | 'omit' | 'raw';
  values: number[];
}
const subs: fc.Arbitrary<Subs> = fc.record({
  how: fc.oneof(
    { weight: 12, arbitrary: fc.constant('fit' as const) },
    { weight: 1, arbitrary: fc.constant('omit' as const) },
    { weight: 1, arbitrary: fc.constant('raw' as const) },
  ),
  values: fc.array(subscore, { minLength: 1, maxLength: 3 }),
});
const subscoresFor = (s: Subs, columns: number): number[] | undefined => {
  if (s.how === 'omit' || (s.how === 'fit' && columns === 0)) return undefined;
  if (s.how === 'raw') return s.values;
  return Array.from({ length: columns }, (_, i) => s.values[i % s.values.length]);
};

type Entry = { player: number; score: number; subs: Subs };
type Op =
  | ({ kind: 'submit' } & Entry)
  | { kind: 'batch'; entries: Entry[] }
  | { kind: 'remove'; player: number };

const entry = { player: fc.nat(7), score, subs };
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('submit' as const), ...entry }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      entries: fc.array(fc.record(entry), { minLength: 1, maxLength: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), player: fc.nat(7) }) },
);

describe('ranking rules against a reference model (property, real Valkey)', () => {
  let valkey: TestValkey;
  let t: TestApp;
  let boards: BoardsService;
  let scores: SubmissionsService;
  let moderation: ModerationService;
  let standings: StandingsService;
  let n = 0;

  beforeAll(async () => {
    valkey = await startValkey();
    t = await startApp(valkey.url);
    boards = t.app.get(BoardsService);
    scores = t.app.get(SubmissionsService);
    moderation = t.app.get(ModerationService);
    standings = t.app.get(StandingsService);
  });
  afterAll(async () => {
    await t.close();
    await valkey.stop();
  });

  it('gives the same scores, subscores, ranks, tie order, pages and around-windows as the model', async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.array(op, { minLength: 1, maxLength: 40 }), async (cfg, ops) => {
        const id = `prop${++n}`;
        const columns = cfg.tiebreakers?.length ?? 0;
        await boards.create(id, {
          ...cfg,
          tiebreakers: (cfg.tiebreakers ?? []).map((order, i) => ({ name: `c${i}`, order })),
        });
        const model = new ReferenceBoard(cfg);
        const input = (e: Entry) => ({
          playerId: `p${e.player}`,
          score: e.score,
          subscores: subscoresFor(e.subs, columns),
        });
        for (const o of ops) {
          if (o.kind === 'submit') {
            const i = input(o);
            const expected = model.submit(i.playerId, i.score, i.subscores);
            const actual = await scores.submit(id, i).then((r) => r.result, refusal);
            if (typeof expected === 'string') expect(actual).toBe(expected);
            else expect(actual).toMatchObject(expected);
          } else if (o.kind === 'batch') {
            // All or nothing: simulate on a copy first.
            const results = [];
            const snapshot = model.sorted().length;
            let failed: string | null = null;
            const trial = Object.assign(Object.create(Object.getPrototypeOf(model)), model, {
              rows: new Map((model as unknown as { rows: Map<string, unknown> }).rows),
            }) as ReferenceBoard;
            const inputs = o.entries.map(input);
            for (const e of inputs) {
              const r = trial.submit(e.playerId, e.score, e.subscores);
              // The batch is refused for its first bad entry.
              if (typeof r === 'string') failed ??= r;
              results.push(r);
            }
            const actual = await scores
              .submitBatch(id, inputs)
              .then((r) => r.result.results, refusal);
            if (failed) {
              expect(actual).toBe(failed);
              expect(model.sorted().length).toBe(snapshot);
            } else {
              for (const e of inputs) model.submit(e.playerId, e.score, e.subscores);
              expect(actual).toMatchObject(results);
            }
          } else {
            const existed = model.remove(`p${o.player}`);
            const actual = await moderation.removePlayer(id, `p${o.player}`).then(
              () => true,
              () => false,
            );
            expect(actual).toBe(existed);
          }
        }
        const expected = model.ranked();
        const page = await standings.page(id, 0, 1000);
        expect(page.total).toBe(expected.length);
        expect(
          page.entries.map((e) => ({
            playerId: e.playerId,
            score: e.score,
            subscores: e.subscores,
            rank: e.rank,
          })),
        ).toEqual(expected);
        if (expected.length > 2) {
          const offset = Math.floor(expected.length / 2);
          const mid = await standings.page(id, offset, 2);
          expect(mid.entries.map((e) => e.rank)).toEqual(
            expected.slice(offset, offset + 2).map((e) => e.rank),
          );
        }
        for (const [index, row] of expected.entries()) {
          const player = await standings.player(id, row.playerId);
          expect(player).toMatchObject({
            rank: row.rank,
            score: row.score,
            total: expected.length,
          });
          expect(player.subscores).toEqual(row.subscores);
          const around = await standings.around(id, row.playerId, 3);
          const start = aroundStart(index, 3, expected.length);
          expect(around.entries.map((e) => e.playerId)).toEqual(
            expected.slice(start, start + 3).map((e) => e.playerId),
          );
        }
        await boards.delete(id);
      }),
      { numRuns: 150 },
    );
  }, 120000);
});
