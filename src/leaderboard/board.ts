import { badRequest, notFound, ProblemException } from '../common/problem';

/** Board configuration and period as the services see it (not the storage shape). */
export const SORT_ORDERS = ['desc', 'asc'] as const;
export const UPDATE_MODES = ['best', 'latest', 'increment'] as const;
export const RANK_MODES = ['ordinal', 'competition', 'dense'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];
export type UpdateMode = (typeof UPDATE_MODES)[number];
export type RankMode = (typeof RANK_MODES)[number];

export const BOARD_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const PLAYER_ID_PATTERN = /^[A-Za-z0-9_\-.:@]{1,128}$/;
export const GLOBAL_BOARD_ID = 'global';
export const MAX_SAFE_SCORE = Number.MAX_SAFE_INTEGER;

/** Which period of a board a read or write addresses. */
export type PeriodRef = 'current' | { archived: string };

export interface Tier {
  name: string;
  topPercent: number;
}

/**
 * A tie-break column (issue 9): equal scores order by each column in turn, in its own direction
 * (`desc`: higher first), then by who reached the tuple first. Fixed at creation.
 */
export interface Tiebreaker {
  name: string;
  order: SortOrder;
}

/** Most tie-break columns a board may have. */
export const MAX_TIEBREAKERS = 3;

/** A league of a cohort board, lowest first: at each close the top `promote` of every cohort
 * move up one league and the bottom `demote` move down one. */
export interface League {
  name: string;
  promote: number;
  demote: number;
}

export const MIN_COHORT_SIZE = 2;
export const MAX_COHORT_SIZE = 1000;
export const MAX_LEAGUES = 20;

/** What players whose final rank is within [fromRank, toRank] get when a period closes. */
export interface Reward {
  fromRank: number;
  toRank: number;
  /** Any JSON value (≤ 1 KiB serialized), passed through to results and webhooks as given. */
  reward: unknown;
}

export const MAX_REWARDS = 50;
export const MAX_RESULTS_TOP = 10_000;
export const DEFAULT_RESULTS_TOP = 100;

/**
 * What is wrong with a board's rewards, if anything: each range must have fromRank ≤ toRank,
 * end within the results (toRank ≤ resultsTop: a rank past them is never written, so its reward
 * would never be paid), and not overlap another range.
 */
export function rewardsProblem(
  rewards: Reward[],
  resultsTop: number,
): { path: string; message: string } | null {
  for (const [i, r] of rewards.entries()) {
    if (r.fromRank > r.toRank) {
      return { path: `rewards.${i}.toRank`, message: 'must not be less than fromRank' };
    }
    if (r.toRank > resultsTop) {
      return {
        path: `rewards.${i}.toRank`,
        message: `must not exceed resultsTop (${resultsTop}): ranks past the results are never paid`,
      };
    }
  }
  const order = rewards.map((r, i) => ({ r, i })).sort((a, b) => a.r.fromRank - b.r.fromRank);
  for (let n = 1; n < order.length; n++) {
    const prev = order[n - 1];
    if (order[n].r.fromRank <= prev.r.toRank) {
      return {
        path: `rewards.${order[n].i}`,
        message: `ranks ${order[n].r.fromRank}-${order[n].r.toRank} overlap rewards.${prev.i} (${prev.r.fromRank}-${prev.r.toRank})`,
      };
    }
  }
  return null;
}

export interface BoardSettings {
  title: string;
  sortOrder: SortOrder;
  updateMode: UpdateMode;
  rankMode: RankMode;
  resetSchedule: string | null;
  timezone: string;
  minScore: number;
  maxScore: number;
  retainPeriods: number;
  tiers: Tier[];
  /** Absent (or []) on a board without tie-break columns. */
  tiebreakers?: Tiebreaker[];
  // Tournament options (leaderboard/tournament.ts): null/false = no such rule.
  /** ms since the epoch: submissions before it are refused (`not-started`). */
  startsAt: number | null;
  /** ms since the epoch: submissions from it are refused (`ended`); the worker closes the period. */
  endsAt: number | null;
  /** seconds each period takes submissions after it opens (needs a resetSchedule). */
  activeFor: number | null;
  joinRequired: boolean;
  maxPlayers: number | null;
  maxAttempts: number | null;
  /** Players per cohort (2–1,000), or null: no cohorts. Fixed at creation. */
  cohortSize: number | null;
  /** Leagues, lowest first (cohort boards only; [] = none). Fixed at creation. */
  leagues: League[];
  /**
   * Leagues only: a player who had a league above the lowest during a period and did not play
   * in it moves down one league at its close. Fixed at creation.
   */
  demoteInactive: boolean;
  /** Rewards by final rank, paid out in a closed period's results. */
  rewards: Reward[];
  /** How many entries a closed period's results hold. */
  resultsTop: number;
}

/**
 * The settings a PATCH (or a boards file) may change after creation. Every other setting of
 * {@link BoardSettings} is immutable: a setting added later is immutable until it is listed here.
 */
export const MUTABLE_FIELDS = [
  'title',
  'resetSchedule',
  'timezone',
  'minScore',
  'maxScore',
  'retainPeriods',
  'tiers',
  'startsAt',
  'endsAt',
  'activeFor',
  'rewards',
  'resultsTop',
] as const satisfies readonly (keyof BoardSettings)[];
export type MutableField = (typeof MUTABLE_FIELDS)[number];
export type MutableSettings = Pick<BoardSettings, MutableField>;

export const isMutableField = (field: string): field is MutableField =>
  (MUTABLE_FIELDS as readonly string[]).includes(field);

export interface Board extends BoardSettings {
  id: string;
  createdAt: number;
  periodId: string;
  periodStartedAt: number;
}

export function defaultSettings(id: string): BoardSettings {
  return {
    title: id,
    sortOrder: 'desc',
    updateMode: 'best',
    rankMode: 'ordinal',
    resetSchedule: null,
    timezone: 'UTC',
    minScore: -MAX_SAFE_SCORE,
    maxScore: MAX_SAFE_SCORE,
    retainPeriods: 7,
    tiers: [],
    startsAt: null,
    endsAt: null,
    activeFor: null,
    joinRequired: false,
    maxPlayers: null,
    maxAttempts: null,
    cohortSize: null,
    leagues: [],
    demoteInactive: false,
    rewards: [],
    resultsTop: DEFAULT_RESULTS_TOP,
  };
}

/** Period ids are zero-padded counters, so they sort in time order as plain strings. */
export function periodIdFor(sequence: number): string {
  return String(sequence).padStart(10, '0');
}

export const FIRST_PERIOD_ID = periodIdFor(1);

/** The one "no such board" problem (404), worded the same everywhere. */
export const boardNotFound = (boardId: string): ProblemException =>
  notFound(`Leaderboard "${boardId}" does not exist.`);

/** The 400 for cohort settings that contradict each other (each field is valid on its own). */
export function checkCohortSettings(
  s: Partial<Pick<BoardSettings, 'cohortSize' | 'leagues' | 'demoteInactive'>>,
): void {
  const leagues = s.leagues ?? [];
  if (s.demoteInactive && leagues.length === 0)
    throw badRequest('demoteInactive', 'needs leagues (it demotes players between leagues)');
  if (leagues.length === 0) return;
  if (!s.cohortSize)
    throw badRequest('leagues', 'need cohortSize (leagues move players between cohorts)');
  const seen = new Set<string>();
  leagues.forEach((l, i) => {
    if (seen.has(l.name)) throw badRequest(`leagues.${i}.name`, `"${l.name}" is used twice`);
    seen.add(l.name);
    if (l.promote + l.demote > s.cohortSize!) {
      throw badRequest(`leagues.${i}`, 'promote + demote must not exceed cohortSize');
    }
  });
}
