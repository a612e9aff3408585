import fc from 'fast-check';
import type { Reward } from '../../leaderboard/board';
import { rewardIndexes } from './rewards';

const r = (fromRank: number, toRank: number, reward: unknown): Reward => ({
  fromRank,
  toRank,
  reward,
});

/** Entries from scores listed best first (higher is better), ranked in `mode`. */
function ranked(scores: number[], mode: 'ordinal' | 'competition' | 'dense') {
  let dense = 0;
  return scores.map((score, i) => {
    const first = scores.indexOf(score);
    if (first === i) dense++;
    const rank = mode === 'ordinal' ? i + 1 : mode === 'competition' ? first + 1 : dense;
    return { score, rank };
  });
}

describe('rewardIndexes', () => {
  const rewards = [r(1, 1, 'gold'), r(2, 3, 'silver'), r(4, 10, 'bronze')];

  it('pays each rank the range it falls in, nothing past the last range', () => {
    const entries = ranked([90, 80, 70, 60, 50, 40, 30, 20, 10, 5, 1], 'ordinal');
    expect(rewardIndexes(entries, rewards)).toEqual([0, 1, 1, 2, 2, 2, 2, 2, 2, 2, undefined]);
  });

  it('gives every player of a tie across a boundary the better range (ordinal)', () => {
    // Ranks 3 and 4 tied (silver ends at 3), ranks 1 and 2 tied (gold ends at 1).
    const entries = ranked([90, 90, 70, 70, 50], 'ordinal');
    expect(entries.map((e) => e.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(rewardIndexes(entries, rewards)).toEqual([0, 0, 1, 1, 2]);
  });

  it('follows the shared rank in competition and dense modes', () => {
    const competition = ranked([90, 90, 70, 70, 50], 'competition');
    expect(competition.map((e) => e.rank)).toEqual([1, 1, 3, 3, 5]);
    expect(rewardIndexes(competition, rewards)).toEqual([0, 0, 1, 1, 2]);
    const dense = ranked([90, 90, 70, 70, 50], 'dense');
    expect(dense.map((e) => e.rank)).toEqual([1, 1, 2, 2, 3]);
    expect(rewardIndexes(dense, rewards)).toEqual([0, 0, 1, 1, 1]);
  });

  it('pays a tie that reaches into a range from an unpaid rank, and ignores range order', () => {
    const gap = [r(5, 6, 'late'), r(1, 2, 'early')];
    const entries = ranked([9, 8, 7, 6, 6, 1], 'ordinal');
    // Ranks 4 and 5 tied: rank 5 is paid "late", so rank 4 is too; rank 3 is paid nothing.
    expect(rewardIndexes(entries, gap)).toEqual([1, 1, undefined, 0, 0, 0]);
  });

  it('ties on the whole tuple on a board with tie-break columns', () => {
    // Ranks 3 and 4 with the same score: tied only when their subscores are equal too.
    const apart = [
      { rank: 1, score: 9, subscores: [1] },
      { rank: 2, score: 8, subscores: [1] },
      { rank: 3, score: 7, subscores: [5] },
      { rank: 4, score: 7, subscores: [2] },
    ];
    expect(rewardIndexes(apart, rewards)).toEqual([0, 1, 1, 2]);
    const together = apart.map((e, i) => (i === 3 ? { ...e, subscores: [5] } : e));
    expect(rewardIndexes(together, rewards)).toEqual([0, 1, 1, 1]);
  });

  it('gives no reward without ranges, and handles no entries', () => {
    expect(rewardIndexes(ranked([3, 2, 1], 'ordinal'), [])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(rewardIndexes([], rewards)).toEqual([]);
  });

  it('pays tied players alike, never worse than their own rank, and only ranges they reach', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 30 }),
        fc.constantFrom('ordinal' as const, 'competition' as const, 'dense' as const),
        (raw, mode) => {
          const scores = [...raw].sort((a, b) => b - a);
          const entries = ranked(scores, mode);
          const got = rewardIndexes(entries, rewards);
          const rangeOf = (rank: number) =>
            rewards.findIndex((x) => x.fromRank <= rank && rank <= x.toRank);
          entries.forEach((e, i) => {
            // Same score, same reward.
            if (i > 0 && entries[i - 1].score === e.score) expect(got[i]).toBe(got[i - 1]);
            // At least as good as the entry's own rank's range (ranges are in order here).
            const own = rangeOf(e.rank);
            if (own >= 0) expect(got[i]).toBeLessThanOrEqual(own);
            // A reward is always one some player of the tie earns by rank.
            if (got[i] !== undefined) {
              const tied = entries.filter((x) => x.score === e.score);
              expect(tied.some((x) => rangeOf(x.rank) === got[i])).toBe(true);
            }
          });
        },
      ),
    );
  });
});
