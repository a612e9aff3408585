import { Injectable } from '@nestjs/common';
import { BoardsRepository } from './boards.repository';
import { PlayerStandingsDto, toBoardStandingDto } from './dto/player-standings.dto';
import { StandingsRepository } from './standings.repository';

export interface PlayerStandingsPage {
  body: PlayerStandingsDto;
  /** The offset of the next page, or null on the last one. */
  nextOffset: number | null;
}

/** A player's current-period standings on every board. */
@Injectable()
export class PlayerStandingsService {
  constructor(
    private readonly boards: BoardsRepository,
    private readonly standings: StandingsRepository,
  ) {}

  /**
   * The boards holding an entry of the player, in id order, `limit` of them from `offset`. Every
   * page reads every board (one pipelined pass): which boards hold the player is only known by
   * asking each, and `total` counts them all. A player on no board gets an empty page, not a
   * 404: there is no player registry to say the id is unknown.
   */
  async everyBoard(playerId: string, offset: number, limit: number): Promise<PlayerStandingsPage> {
    const ids = await this.boards.ids();
    const found = (await this.standings.playerOnBoards(ids, playerId)).flatMap((r) =>
      r.entry ? [toBoardStandingDto(r.boardId, r.header, r.entry)] : [],
    );
    const total = found.length;
    return {
      body: {
        playerId,
        total,
        offset,
        limit,
        entries: found.slice(offset, offset + limit),
      },
      nextOffset: offset + limit < total ? offset + limit : null,
    };
  }
}
