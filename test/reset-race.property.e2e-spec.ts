import fc from 'fast-check';
import { ResetsRepository } from '../src/ranking-jobs/resets/resets.repository';
import { BoardsRepository } from '../src/leaderboard/boards.repository';
import { useApp } from './support/fixture';

describe('submits racing resets (property, real Valkey)', () => {
  const f = useApp({}, 'race');

  it('puts every acknowledged submit in exactly one period: the one its response names', async () => {
    const resets = f.app.app.get(ResetsRepository);
    const boards = f.app.app.get(BoardsRepository);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 50, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('best', 'latest', 'increment'),
        async (count, resetDelays, updateMode) => {
          const id = await f.board({ updateMode, retainPeriods: 365 });
          const acked = new Map<string, { periodId: string; score: number }>();
          const submitting = Promise.all(
            Array.from({ length: 10 }, async (_, lane) => {
              for (let i = lane; i < count; i += 10) {
                const res = await f.api.submit(id, { playerId: `p${i}`, score: i + 1 });
                if (res.status === 200)
                  acked.set(`p${i}`, { periodId: res.body.periodId, score: res.body.score });
              }
            }),
          );
          const resetting = (async () => {
            for (const delay of resetDelays) {
              // A fixed wait on purpose: the generated delays place resets at arbitrary
              // points among the submissions.
              await new Promise((r) => setTimeout(r, delay));
              const board = await boards.get(id);
              await resets.reset(id, board!.periodId, null);
            }
          })();
          await Promise.all([submitting, resetting]);

          expect(acked.size).toBe(count);
          const where = new Map<string, string[]>();
          const periods = (await f.api.get(`/v1/leaderboards/${id}/periods`)).body;
          for (const pid of [
            ...periods.periods.map((p: { id: string }) => p.id),
            periods.currentPeriodId,
          ]) {
            const path =
              pid === periods.currentPeriodId
                ? `/v1/leaderboards/${id}/entries?limit=1000`
                : `/v1/leaderboards/${id}/periods/${pid}/entries?limit=1000`;
            for (const e of (await f.api.get(path)).body.entries) {
              where.set(e.playerId, [...(where.get(e.playerId) ?? []), pid]);
              expect(e.score).toBe(acked.get(e.playerId)?.score);
            }
          }
          for (const [playerId, ack] of acked) expect(where.get(playerId)).toEqual([ack.periodId]);
          expect(periods.periods).toHaveLength(resetDelays.length);
        },
      ),
      { numRuns: 8 },
    );
  }, 60000);
});
