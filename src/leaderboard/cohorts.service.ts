import { Injectable } from '@nestjs/common';
import { badRequest, notFound } from '../common/problem';
import { boardNotFound, PeriodRef } from './board';
import { BoardsService } from './boards.service';
import { CohortRead, CohortsRepository } from './cohorts.repository';
import {
  CohortListDto,
  CohortPageDto,
  LeaguesDto,
  MovementsDto,
  PlayerCohortDto,
  PlayerLeagueDto,
  toCohortDto,
  toCohortEntries,
} from './dto/cohorts.dto';
import { PeriodsRepository } from './periods.repository';

type Ok<T> = Extract<CohortRead<T>, { status: 'ok' }>;

/** Reads of cohorts, in the current period or an archived one. */
@Injectable()
export class CohortsService {
  constructor(
    private readonly repo: CohortsRepository,
    private readonly periods: PeriodsRepository,
    private readonly boards: BoardsService,
  ) {}

  /** The period a read addresses: the current one, or an archived one that exists (404). */
  private async period(boardId: string, periodId?: string): Promise<PeriodRef> {
    if (periodId === undefined) return 'current';
    await this.boards.require(boardId);
    if (!(await this.periods.get(boardId, periodId))) {
      throw notFound(`Leaderboard "${boardId}" has no archived period "${periodId}".`);
    }
    return { archived: periodId };
  }

  private unwrap<T>(boardId: string, r: CohortRead<T>, missing: () => string): Ok<T> {
    switch (r.status) {
      case 'ok':
        return r;
      case 'board-not-found':
        throw boardNotFound(boardId);
      case 'no-cohorts':
        throw notFound(
          `Leaderboard "${boardId}" has no cohorts (it was created without cohortSize).`,
        );
      case 'no-leagues':
        throw notFound(`Leaderboard "${boardId}" has no leagues.`);
      case 'no-cohort':
        throw notFound(missing());
    }
  }

  async leagues(boardId: string): Promise<LeaguesDto> {
    const r = this.unwrap(boardId, await this.repo.leagues(boardId), () => '');
    return { leaderboardId: boardId, ...r.value };
  }

  async movements(
    boardId: string,
    periodId: string,
    offset: number,
    limit: number,
  ): Promise<MovementsDto> {
    await this.period(boardId, periodId);
    const r = this.unwrap(
      boardId,
      await this.repo.movements(boardId, periodId, offset, limit),
      () => '',
    );
    return { leaderboardId: boardId, periodId, offset, limit, ...r.value };
  }

  async setLeague(boardId: string, playerId: string, league: string): Promise<PlayerLeagueDto> {
    const r = await this.repo.setLeague(boardId, playerId, league);
    switch (r.status) {
      case 'ok':
        return { leaderboardId: boardId, playerId, league, previousLeague: r.previous };
      case 'board-not-found':
        throw boardNotFound(boardId);
      case 'no-leagues':
        throw notFound(`Leaderboard "${boardId}" has no leagues.`);
      case 'unknown-league':
        throw badRequest('league', `must be one of the leagues of leaderboard "${boardId}"`);
    }
  }

  async list(
    boardId: string,
    offset: number,
    limit: number,
    periodId?: string,
  ): Promise<CohortListDto> {
    const period = await this.period(boardId, periodId);
    const r = this.unwrap(boardId, await this.repo.list(boardId, period, offset, limit), () => '');
    return {
      leaderboardId: boardId,
      periodId: periodId ?? r.currentPeriodId,
      total: r.value.total,
      offset,
      limit,
      cohorts: r.value.cohorts.map(toCohortDto),
    };
  }

  async page(
    boardId: string,
    cohortId: number,
    offset: number,
    limit: number,
    periodId?: string,
  ): Promise<CohortPageDto> {
    const period = await this.period(boardId, periodId);
    const r = this.unwrap(
      boardId,
      await this.repo.page(boardId, period, cohortId, offset, limit),
      () => `Leaderboard "${boardId}" has no cohort ${cohortId} in that period.`,
    );
    const { cohort, entries } = r.value;
    return {
      leaderboardId: boardId,
      periodId: periodId ?? r.currentPeriodId,
      cohortId: cohort.cohortId,
      ...(cohort.league ? { league: cohort.league } : {}),
      total: cohort.size,
      offset,
      limit,
      entries: toCohortEntries(entries),
    };
  }

  async ofPlayer(boardId: string, playerId: string, periodId?: string): Promise<PlayerCohortDto> {
    const period = await this.period(boardId, periodId);
    const r = this.unwrap(
      boardId,
      await this.repo.ofPlayer(boardId, period, playerId),
      () => `Player "${playerId}" has no cohort in that period of leaderboard "${boardId}".`,
    );
    const { cohort, entries } = r.value;
    return {
      leaderboardId: boardId,
      periodId: periodId ?? r.currentPeriodId,
      playerId,
      cohortId: cohort.cohortId,
      ...(cohort.league ? { league: cohort.league } : {}),
      total: cohort.size,
      cohortRank: entries.find((e) => e.playerId === playerId)?.rank ?? null,
      entries: toCohortEntries(entries),
    };
  }
}
