import type { Tier } from '../../leaderboard/board';

/** Stats of a period, as stored and served. */
export interface BoardStats {
  leaderboardId: string;
  periodId: string;
  total: number;
  minScore: number | null;
  maxScore: number | null;
  percentiles: { p50: number | null; p90: number | null; p99: number | null; p999: number | null };
  histogram: { from: number; to: number; count: number }[];
  tiers: {
    name: string;
    topPercent: number;
    rank: number | null;
    score: number | null;
    /** On boards with tie-break columns: the subscores at that rank (the cut-off is a tuple). */
    subscores?: number[] | null;
  }[];
  /** The tie-break sequence the stats were computed at (changes with every score change). */
  sequence: number;
  computedAt: string | null;
}

export const PERCENTILES = [
  ['p50', 50],
  ['p90', 90],
  ['p99', 99],
  ['p999', 99.9],
] as const;

export const HISTOGRAM_BUCKETS = 20;

/**
 * Nearest-rank percentile cut-off: pQ is the score at rank ceil((1 − Q/100) × N) counted from
 * the best, so p99 is what a player needs to be in the top 1 %, p50 the median.
 */
export function percentileRank(q: number, total: number): number {
  return Math.max(1, Math.ceil(((100 - q) / 100) * total - 1e-9));
}

/** The worst rank that still earns a tier (rank / total × 100 ≤ topPercent), or null. */
export function tierCutoffRank(topPercent: number, total: number): number | null {
  const rank = Math.floor((topPercent / 100) * total + 1e-9);
  return rank >= 1 ? rank : null;
}

/** Equal-width integer buckets [from, to] covering [min, max], at most `buckets` of them. */
export function histogramBuckets(
  min: number,
  max: number,
  buckets: number,
): { from: number; to: number }[] {
  const lo = BigInt(min);
  const span = BigInt(max) - lo + 1n;
  const n = span < BigInt(buckets) ? span : BigInt(buckets);
  const width = (span + n - 1n) / n;
  const out: { from: number; to: number }[] = [];
  for (let from = lo; from <= BigInt(max); from += width) {
    const to = from + width - 1n > BigInt(max) ? BigInt(max) : from + width - 1n;
    out.push({ from: Number(from), to: Number(to) });
  }
  return out;
}

/** Tiers with no rank yet; on a board with tie-break columns each says `subscores: null` too. */
export function emptyTiers(tiers: Tier[], withColumns: boolean): BoardStats['tiers'] {
  return tiers.map((t) => ({
    name: t.name,
    topPercent: t.topPercent,
    rank: null,
    score: null,
    ...(withColumns ? { subscores: null } : {}),
  }));
}
