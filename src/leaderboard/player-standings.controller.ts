import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Problem } from '../common/problem';
import { RateLimitedRead } from '../common/read-limit.docs';
import { PlayerStandingsDto, PlayerStandingsQueryDto } from './dto/player-standings.dto';
import { PlayerIdPipe } from './params';
import { PlayerStandingsService } from './player-standings.service';

/**
 * A player's standings on every board. Public; the per-IP read limit is charged once, by the
 * global guard (not @LimitInScript: the route runs one script per board, and none of them may
 * charge the counter for the others).
 */
@ApiTags('standings')
@RateLimitedRead()
@Controller('v1/players')
export class PlayerStandingsController {
  constructor(private readonly players: PlayerStandingsService) {}

  @Get(':playerId/standings')
  @ApiOperation({
    summary: "A player's current-period entry on every board holding one, by board id",
    description:
      'Boards where the player has no entry are absent; archived periods are not read. `limit` ' +
      '(default 100, at most 200) entries from `offset`; `total`, also sent as `X-Total-Count`, ' +
      'counts every board holding the player, and `Link: <…>; rel="next"` points at the next ' +
      'page (absent on the last one). A player on no board gets an empty page. Each request reads ' +
      'every board once (one player read per board, pipelined).',
  })
  @ApiOkResponse({
    type: PlayerStandingsDto,
    headers: {
      'X-Total-Count': {
        description: 'boards holding an entry of the player',
        schema: { type: 'integer' },
      },
      Link: {
        description:
          'the next page: `</v1/players/alice/standings?offset=100&limit=100>; rel="next"`',
        schema: { type: 'string' },
      },
    },
  })
  @ApiBadRequestResponse({ type: Problem })
  @ApiServiceUnavailableResponse({
    type: Problem,
    description:
      'Valkey unavailable, or a board still being converted to the current storage layout (after an upgrade); nothing was changed, retry after Retry-After.',
  })
  async standings(
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Query() q: PlayerStandingsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlayerStandingsDto> {
    const page = await this.players.everyBoard(playerId, q.offset, q.limit);
    void reply.header('x-total-count', String(page.body.total));
    if (page.nextOffset !== null) {
      const path = `/v1/players/${encodeURIComponent(playerId)}/standings`;
      void reply.header('link', `<${path}?offset=${page.nextOffset}&limit=${q.limit}>; rel="next"`);
    }
    return page.body;
  }
}
