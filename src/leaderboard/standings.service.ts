import { Injectable } from '@nestjs/common';
import { notFound } from '../common/problem';
import { boardNotFound } from './board';
import {
  AroundDto,
  LookupResultDto,
  PageDto,
  PlayerDto,
  toEntryDto,
  toPlayerDto,
} from './dto/standings.dto';
import { StandingsRead, StandingsRepository } from './standings.repository';

/** Reads of the current period: pages, one player, around a player, friends lookup. */
@Injectable()
export class StandingsService {
  constructor(private readonly repo: StandingsRepository) {}

  private unwrap<T>(
    boardId: string,
    r: StandingsRead<T>,
    playerId?: string,
  ): Extract<StandingsRead<T>, { status: 'ok' }> {
    if (r.status === 'board-not-found') throw boardNotFound(boardId);
    if (r.status === 'player-not-found') {
      throw notFound(`Player "${playerId}" is not on leaderboard "${boardId}".`);
    }
    return r;
  }

  async page(boardId: string, offset: number, limit: number): Promise<PageDto> {
    const r = this.unwrap(boardId, await this.repo.page(boardId, 'current', offset, limit));
    return {
      leaderboardId: boardId,
      periodId: r.header.periodId,
      total: r.header.total,
      offset,
      limit,
      entries: r.rows.map(toEntryDto),
    };
  }

  async player(boardId: string, playerId: string): Promise<PlayerDto> {
    const r = this.unwrap(boardId, await this.repo.players(boardId, 'current', [playerId]));
    const entry = r.rows[0]?.entry;
    if (!entry) throw notFound(`Player "${playerId}" is not on leaderboard "${boardId}".`);
    return toPlayerDto(boardId, r.header, entry);
  }

  async around(boardId: string, playerId: string, limit: number): Promise<AroundDto> {
    const r = this.unwrap(
      boardId,
      await this.repo.around(boardId, 'current', playerId, limit),
      playerId,
    );
    return {
      leaderboardId: boardId,
      periodId: r.header.periodId,
      total: r.header.total,
      playerId,
      entries: r.rows.map(toEntryDto),
    };
  }

  async lookup(boardId: string, playerIds: string[]): Promise<LookupResultDto> {
    const unique = [...new Set(playerIds)];
    const r = this.unwrap(boardId, await this.repo.players(boardId, 'current', unique));
    const found = r.rows.flatMap((row) => (row.entry ? [row.entry] : []));
    // Equal ranks (competition/dense) keep the board's tie order: earliest first.
    found.sort((a, b) => a.rank - b.rank || (a.sequence < b.sequence ? -1 : 1));
    return {
      leaderboardId: boardId,
      periodId: r.header.periodId,
      total: r.header.total,
      entries: found.map((e) => toPlayerDto(boardId, r.header, e)),
      missing: r.rows.filter((row) => !row.entry).map((row) => row.playerId),
    };
  }
}
