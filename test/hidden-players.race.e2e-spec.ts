import fc from 'fast-check';
import { useApp } from './support/fixture';
import {
  boardWithModel,
  entriesPage,
  expectHiddenView,
  Row,
  rowsOf,
  setHidden,
} from './support/hidden-players';
import { ModelConfig, ReferenceBoard } from './support/reference-model';

/**
 * Hiding and showing players while submissions pour in, compared with the reference model. The
 * submissions use the `best` mode with distinct scores in the load phase, so the final board does
 * not depend on how the concurrent requests interleave (the model can replay them per player);
 * the ties are made in the setup phase, in a known order, and must survive every hide and show.
 */

const PLAYERS = 36;
const SUSPECTS = 8;

interface Plan {
  /** setup score per player (0..3: many ties, suspects tied with visible players) */
  setup: number[];
  /** per player: how many improving submissions it sends under load (0 = keeps its setup tie) */
  load: number[];
  /** per suspect: the hidden flag it is set to, in order, under load */
  toggles: boolean[][];
  /** whether each player's load goes through batches (of its own entries) */
  batched: boolean[];
}

const plan: fc.Arbitrary<Plan> = fc.record({
  setup: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: PLAYERS, maxLength: PLAYERS }),
  load: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: PLAYERS, maxLength: PLAYERS }),
  toggles: fc.array(fc.array(fc.boolean(), { minLength: 2, maxLength: 6 }), {
    minLength: SUSPECTS,
    maxLength: SUSPECTS,
  }),
  batched: fc.array(fc.boolean(), { minLength: PLAYERS, maxLength: PLAYERS }),
});

const BOARDS: ModelConfig[] = [
  { sortOrder: 'desc', updateMode: 'best', rankMode: 'ordinal', minScore: -1e9, maxScore: 1e9 },
  { sortOrder: 'asc', updateMode: 'best', rankMode: 'competition', minScore: -1e9, maxScore: 1e9 },
  {
    sortOrder: 'desc',
    updateMode: 'best',
    rankMode: 'dense',
    minScore: -1e9,
    maxScore: 1e9,
    tiebreakers: ['asc'],
  },
];

describe('hiding players under a load of concurrent submissions (e2e, reference model)', () => {
  const f = useApp({}, 'race');
  let run = 0;

  it('ends exactly where the model does, and no read ever shows a player while surely hidden', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        run++;
        const player = (i: number) => `r${run}p${i}`;
        const suspects = Array.from({ length: SUSPECTS }, (_, i) => player(i));
        const boards: string[] = [];
        const models: ReferenceBoard[] = [];
        for (const config of BOARDS) {
          const { id, model } = await boardWithModel(f, config);
          boards.push(id);
          models.push(model);
        }
        const subs = (b: number, v: number) =>
          BOARDS[b].tiebreakers ? { subscores: [v % 2] } : {};
        // A load score: distinct per player and step, better than every setup score.
        const loadScore = (b: number, i: number, step: number) => {
          const v = 1000 + i * 100_000 + step;
          return BOARDS[b].sortOrder === 'desc' ? v : -v;
        };

        // Setup: every player on every board, in a known order (the ties' order).
        for (const [b, id] of boards.entries()) {
          const entries = p.setup.map((score, i) => ({
            playerId: player(i),
            score,
            ...subs(b, i),
          }));
          expect((await f.api.batch(id, entries)).status).toBe(200);
          for (const e of entries) models[b].submit(e.playerId, e.score, e.subscores);
        }

        // Load: each player's submissions in order (one stream per player), every suspect's flag
        // changes in order (one stream per suspect), and readers, all at once.
        const timeline = new Map<string, { hidden: boolean; start: number; end: number }[]>();
        let loading = true;
        const problems: string[] = [];
        // Suspects keep submitting until their flag stops changing, so their submissions land
        // while they are hidden, shown and in between.
        const steps: number[] = new Array<number>(PLAYERS).fill(0);
        let toggling = SUSPECTS;
        const submitter = async (i: number) => {
          for (let step = 1; step <= p.load[i] || (i < SUSPECTS && toggling > 0); step++) {
            steps[i] = step;
            for (const [b, id] of boards.entries()) {
              const entry = { playerId: player(i), score: loadScore(b, i, step), ...subs(b, step) };
              const res = p.batched[i]
                ? await f.api.batch(id, [entry])
                : await f.api.submit(id, entry);
              const body = p.batched[i] ? res.body.results?.[0] : res.body;
              if (res.status !== 200 || body?.score !== entry.score || body?.updated !== true) {
                problems.push(
                  `submit ${JSON.stringify(entry)} -> ${res.status} ${JSON.stringify(res.body)}`,
                );
              }
            }
          }
        };
        const toggler = async (s: number) => {
          const ops: { hidden: boolean; start: number; end: number }[] = [];
          timeline.set(suspects[s], ops);
          for (const hidden of p.toggles[s]) {
            // Recorded when sent: a read that overlaps an unfinished change proves nothing.
            const op = { hidden, start: Date.now(), end: Infinity };
            ops.push(op);
            // A PUT is idempotent: a 503 (a Valkey call over its timeout while the whole suite
            // loads the machine; applied or not) is retried as a client would, and the change
            // counts as under way until one attempt succeeds.
            let res = await setHidden(f, suspects[s], { hidden });
            for (let retry = 0; res.status === 503 && retry < 5; retry++) {
              await new Promise((r) => setTimeout(r, 100));
              res = await setHidden(f, suspects[s], { hidden });
            }
            if (res.status !== 200) problems.push(`toggle -> ${res.status}`);
            op.end = Date.now();
            // Leaves the flag still for a moment, so reads and submissions find it settled.
            await new Promise((r) => setTimeout(r, 30));
          }
          toggling--;
        };
        /** Whether the suspect was surely hidden (true) or surely visible (false) all through [a, b]. */
        const surely = (s: string, a: number, b: number): boolean | null => {
          let state = false; // the setup left everyone visible
          for (const op of timeline.get(s) ?? []) {
            if (op.start > b) break; // one change at a time: the later ones start later still
            if (op.end >= a) return null; // under way during the read
            state = op.hidden;
          }
          return state;
        };
        let decided = 0;
        const reader = async (b: number) => {
          while (loading) {
            const a = Date.now();
            const res = await f.api.get(`/v1/leaderboards/${boards[b]}/entries?limit=1000`);
            const end = Date.now();
            const listed = new Set((res.body.entries as Row[]).map((e) => e.playerId));
            if (res.body.total !== listed.size) problems.push('total differs from the rows');
            for (const s of suspects) {
              const sure = surely(s, a, end);
              if (sure !== null) decided++;
              if (sure === true && listed.has(s)) problems.push(`${s} listed while hidden`);
              if (sure === false && !listed.has(s)) problems.push(`${s} missing while visible`);
            }
          }
        };
        const readers = boards.map((_, b) => reader(b));
        await Promise.all([
          ...Array.from({ length: PLAYERS }, (_, i) => submitter(i)),
          ...suspects.map((_, s) => toggler(s)),
        ]);
        loading = false;
        await Promise.all(readers);
        expect(problems).toEqual([]);
        expect(decided).toBeGreaterThan(0);

        // The model: the load per player, in its order (distinct scores: the interleaving of
        // players does not matter).
        for (let i = 0; i < PLAYERS; i++) {
          for (let step = 1; step <= steps[i]; step++) {
            for (const b of boards.keys()) {
              models[b].submit(player(i), loadScore(b, i, step), subs(b, step).subscores);
            }
          }
        }
        const hidden = new Set(suspects.filter((_, s) => p.toggles[s][p.toggles[s].length - 1]));
        for (const [b, id] of boards.entries()) {
          await expectHiddenView(f, id, models[b], hidden);
          expect(await f.valkey.client.zcard(`{lb:${id}}:cur:zh`)).toBe(hidden.size);
          expect((await f.valkey.client.smembers(`{lb:${id}}:hidden`)).sort()).toEqual(
            [...hidden].sort(),
          );
          if (BOARDS[b].rankMode === 'dense') {
            const others = models[b].ranked((q) => !hidden.has(q));
            const distinct = new Set(others.map((r) => `${r.score}/${r.subscores?.join()}`));
            expect(await f.valkey.client.zcard(`{lb:${id}}:cur:dz`)).toBe(distinct.size);
          }
        }
        // Shown again: every board is the model's whole board, tie order intact.
        for (const h of hidden) {
          expect((await setHidden(f, h, { hidden: false })).status).toBe(200);
        }
        for (const [b, id] of boards.entries()) {
          expect(rowsOf((await entriesPage(f, id)).entries)).toEqual(models[b].ranked());
          expect(await f.valkey.client.exists(`{lb:${id}}:cur:zh`)).toBe(0);
        }
      }),
      // A failure is not shrunk: a smaller plan would race differently.
      { numRuns: 3, endOnFailure: true },
    );
  }, 120_000);
});
