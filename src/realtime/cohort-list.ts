import { notFound } from '../common/problem';
import type { CohortsRepository } from '../leaderboard/cohorts.repository';
import { CohortList, MAX_TOP, toTopRow } from './live';

/**
 * The cohort list `cohort.top` carries for a player in the current period: null while the player
 * has no cohort (not placed yet) or the board is gone; a 404 problem on a board without cohorts.
 */
export async function readCohortList(
  cohorts: CohortsRepository,
  boardId: string,
  playerId: string,
): Promise<CohortList | null> {
  const r = await cohorts.ofPlayer(boardId, 'current', playerId);
  if (r.status === 'no-cohorts') {
    throw notFound(`Leaderboard "${boardId}" has no cohorts (it was created without cohortSize).`);
  }
  if (r.status !== 'ok') return null;
  const { cohort, entries } = r.value;
  return {
    periodId: r.currentPeriodId,
    cohortId: cohort.cohortId,
    ...(cohort.league ? { league: cohort.league } : {}),
    entries: entries.slice(0, MAX_TOP).map(toTopRow),
  };
}
