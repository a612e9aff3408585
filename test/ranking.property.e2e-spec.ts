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

/** Maps the service's 400 to the model's 'out-of-bounds'; anything else fails the test. */
function outOfBounds(e: unknown): 'out-of-bounds' {
  if (e instanceof ProblemException && e.getStatus() === 400) return 'out-of-bounds';
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
});

type Op =
  | { kind: 'submit'; player: number; score: number }
  | { kind: 'batch'; entries: { player: number; score: number }[] }
  | { kind: 'remove'; player: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('submit' as const), player: fc.nat(7), score }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      entries: fc.array(fc.record({ player: fc.nat(7), score }), { minLength: 1, maxLength: 5 }),
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

  it('gives the same scores, ranks, tie order, pages and around-windows as the model', async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.array(op, { minLength: 1, maxLength: 40 }), async (cfg, ops) => {
        const id = `prop${++n}`;
        await boards.create(id, cfg);
        const model = new ReferenceBoard(cfg);
        for (const o of ops) {
          if (o.kind === 'submit') {
            const expected = model.submit(`p${o.player}`, o.score);
            const actual = await scores
              .submit(id, { playerId: `p${o.player}`, score: o.score })
              .then((r) => r.result, outOfBounds);
            if (expected === 'out-of-bounds') expect(actual).toBe('out-of-bounds');
            else expect(actual).toMatchObject(expected);
          } else if (o.kind === 'batch') {
            // All or nothing: simulate on a copy first.
            const results = [];
            const snapshot = model.sorted().length;
            let failed = false;
            const trial = Object.assign(Object.create(Object.getPrototypeOf(model)), model, {
              rows: new Map((model as unknown as { rows: Map<string, unknown> }).rows),
            }) as ReferenceBoard;
            for (const e of o.entries) {
              const r = trial.submit(`p${e.player}`, e.score);
              if (r === 'out-of-bounds') failed = true;
              results.push(r);
            }
            const actual = await scores
              .submitBatch(
                id,
                o.entries.map((e) => ({ playerId: `p${e.player}`, score: e.score })),
              )
              .then((r) => r.result.results, outOfBounds);
            if (failed) {
              expect(actual).toBe('out-of-bounds');
              expect(model.sorted().length).toBe(snapshot);
            } else {
              for (const e of o.entries) model.submit(`p${e.player}`, e.score);
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
          page.entries.map((e) => ({ playerId: e.playerId, score: e.score, rank: e.rank })),
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
