import { Injectable } from '@nestjs/common';
import { notFound } from '../common/problem';
import { boardNotFound } from './board';
import { BoardsService } from './boards.service';
import { PeriodListDto, toArchivedPeriodDto } from './dto/periods.dto';
import { PageDto, PlayerDto, toEntryDto, toPlayerDto } from './dto/standings.dto';
import { ArchivedPeriod, PeriodsRepository } from './periods.repository';
import { StandingsRepository } from './standings.repository';

/** Read-only access to archived periods. */
@Injectable()
export class PeriodsService {
  constructor(
    private readonly periods: PeriodsRepository,
    private readonly standings: StandingsRepository,
    private readonly boards: BoardsService,
  ) {}

  async list(boardId: string): Promise<PeriodListDto> {
    const board = await this.boards.require(boardId);
    const periods = await this.periods.list(boardId);
    return {
      leaderboardId: boardId,
      currentPeriodId: board.periodId,
      periods: periods.map(toArchivedPeriodDto),
    };
  }

  private async archived(boardId: string, periodId: string): Promise<ArchivedPeriod> {
    await this.boards.require(boardId);
    const period = await this.periods.get(boardId, periodId);
    if (!period) throw notFound(`Leaderboard "${boardId}" has no archived period "${periodId}".`);
    return period;
  }

  async page(boardId: string, periodId: string, offset: number, limit: number): Promise<PageDto> {
    await this.archived(boardId, periodId);
    const r = await this.standings.page(boardId, { archived: periodId }, offset, limit);
    if (r.status !== 'ok') throw boardNotFound(boardId);
    return {
      leaderboardId: boardId,
      periodId,
      total: r.header.total,
      offset,
      limit,
      entries: r.rows.map(toEntryDto),
    };
  }

  async player(boardId: string, periodId: string, playerId: string): Promise<PlayerDto> {
    await this.archived(boardId, periodId);
    const r = await this.standings.player(boardId, { archived: periodId }, playerId);
    const entry = r.status === 'ok' ? r.rows[0]?.entry : null;
    if (r.status !== 'ok' || !entry) {
      throw notFound(
        `Player "${playerId}" is not in period "${periodId}" of leaderboard "${boardId}".`,
      );
    }
    return toPlayerDto(boardId, { ...r.header, periodId }, entry);
  }
}
