import type { Reward } from '../../leaderboard/board';

/**
 * What the reward rule needs of an entry: its rank (board's rank mode), score and, on a board
 * with tie-break columns, its subscores.
 */
export interface RankedScore {
  rank: number;
  score: number;
  subscores?: number[];
}

/** Whether two entries are tied: the same score and, on a board with columns, the same tuple. */
export function tied(a: RankedScore, b: RankedScore): boolean {
  if (a.score !== b.score) return false;
  const x = a.subscores ?? [];
  const y = b.subscores ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * The index of each entry's reward in `rewards` (undefined: none), for entries listed best
 * first from the top of a period. Tied players (see {@link tied}) form a group; it covers the
 * ranks from its first to its last member's, and every member gets the reward of the best range
 * (lowest `fromRank`) that this span touches. In `ordinal` mode ties hold consecutive ranks, so
 * a tie across a range boundary (ranks 3 and 4 tied, ranges 1–3 and 4–10) pays the better range
 * to both; in `competition` and `dense` modes tied players share one rank, so they share its
 * range anyway.
 */
export function rewardIndexes(entries: RankedScore[], rewards: Reward[]): (number | undefined)[] {
  const out: (number | undefined)[] = new Array<number | undefined>(entries.length);
  const order = rewards.map((r, i) => ({ r, i })).sort((a, b) => a.r.fromRank - b.r.fromRank);
  let start = 0;
  while (start < entries.length) {
    let end = start;
    while (end + 1 < entries.length && tied(entries[end + 1], entries[start])) end++;
    const low = Math.min(entries[start].rank, entries[end].rank);
    const high = Math.max(entries[start].rank, entries[end].rank);
    const best = order.find(({ r }) => r.fromRank <= high && r.toRank >= low);
    for (let n = start; n <= end; n++) out[n] = best?.i;
    start = end + 1;
  }
  return out;
}
