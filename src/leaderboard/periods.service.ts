import { Injectable } from '@nestjs/common';
import { notFound } from '../common/problem';
import type { RateState } from '../common/rate-limit.repository';
import { RateLimiter } from '../common/rate-limiter';
import { boardNotFound } from './board';
import { BoardsService } from './boards.service';
import { PeriodListDto, toArchivedPeriodDto } from './dto/periods.dto';
import { PageDto, PlayerDto, toEntryDto, toPlayerDto } from './dto/standings.dto';
import { PeriodsRepository } from './periods.repository';
import {
  ConditionalRead,
  ReadConditions,
  StandingsHeader,
  StandingsRepository,
} from './standings.repository';

/** Read-only access to archived periods. */
@Injectable()
export class PeriodsService {
  constructor(
    private readonly periods: PeriodsRepository,
    private readonly standings: StandingsRepository,
    private readonly boards: BoardsService,
    private readonly limiter: RateLimiter,
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

  /**
   * A page of an archived period: one Valkey call, which also checks the board and the period
   * exist and charges the read counter `conditions.limit` (see StandingsRepository).
   */
  async page(
    boardId: string,
    periodId: string,
    offset: number,
    limit: number,
    conditions: ReadConditions = {},
  ): Promise<{ body: PageDto; rate?: RateState }> {
    const r = this.found(
      boardId,
      periodId,
      await this.standings.page(boardId, { archived: periodId }, offset, limit, conditions),
    );
    return {
      body: {
        leaderboardId: boardId,
        periodId,
        total: r.header.total,
        offset,
        limit,
        entries: r.rows.map(toEntryDto),
      },
      rate: r.rate,
    };
  }

  /** A player's entry in an archived period; one Valkey call, like {@link page}. */
  async player(
    boardId: string,
    periodId: string,
    playerId: string,
    conditions: ReadConditions = {},
  ): Promise<{ body: PlayerDto; rate?: RateState }> {
    const r = this.found(
      boardId,
      periodId,
      await this.standings.player(boardId, { archived: periodId }, playerId, conditions),
      playerId,
    );
    const entry = r.rows[0]?.entry;
    if (!entry) throw RateLimiter.withHeaders(notInPeriod(boardId, periodId, playerId), r.rate);
    return { body: toPlayerDto(boardId, { ...r.header, periodId }, entry), rate: r.rate };
  }

  /** The read's rows, or its refusal: 429, or 404 for the board, the period or the player. */
  private found<T>(
    boardId: string,
    periodId: string,
    r: ConditionalRead<T>,
    playerId?: string,
  ): { header: StandingsHeader; rows: T; rate?: RateState } {
    if (r.status === 'rate-limited') throw this.limiter.reject(r.spec);
    if (r.status === 'ok') return r;
    if (r.status === 'player-not-found') {
      throw RateLimiter.withHeaders(notInPeriod(boardId, periodId, playerId), r.rate);
    }
    if (r.status === 'board-not-found')
      throw RateLimiter.withHeaders(boardNotFound(boardId), r.rate);
    if (r.status === 'not-modified')
      throw new Error('an archived read was answered "not modified"');
    throw RateLimiter.withHeaders(
      notFound(`Leaderboard "${boardId}" has no archived period "${periodId}".`),
      r.rate,
    );
  }
}

const notInPeriod = (boardId: string, periodId: string, playerId: string | undefined) =>
  notFound(`Player "${playerId}" is not in period "${periodId}" of leaderboard "${boardId}".`);
