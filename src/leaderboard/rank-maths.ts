import type { Tier } from './board';

/** rank / total × 100, so rank 1 of 200 is the top 0.5 %. */
export function topPercent(rank: number, total: number): number {
  if (total <= 0) return 100;
  return (rank / total) * 100;
}

/** The first tier (tightest cut-off first) whose cut-off the player is within. */
export function tierFor(tiers: Tier[], percent: number): string | undefined {
  const sorted = [...tiers].sort((a, b) => a.topPercent - b.topPercent);
  return sorted.find((t) => percent <= t.topPercent)?.name;
}

/**
 * First 0-based position of an `around` window of `limit` entries for the player at
 * `index`: centred, then shifted so the window stays full at either end.
 */
export function aroundStart(index: number, limit: number, total: number): number {
  let start = index - Math.floor((limit - 1) / 2);
  if (start + limit > total) start = total - limit;
  return Math.max(0, start);
}
