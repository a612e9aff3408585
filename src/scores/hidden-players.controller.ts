import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '../common/auth';
import { Problem } from '../common/problem';
import { HiddenPlayerDto, SetHiddenDto, toHiddenPlayerDto } from './dto/hidden-players.dto';
import { HiddenPlayersService } from '../leaderboard/hidden-players.service';
import { PlayerIdPipe } from '../leaderboard/params';

/**
 * Hidden players (shadow-ban): admin only, like the other moderation routes. The rules live with
 * the boards (leaderboard/hidden-players.service.ts): creating a board seeds its hidden players.
 */
@ApiTags('moderation')
@RequireScope('admin')
@ApiBadRequestResponse({ type: Problem })
@SkipThrottle()
@Controller('v1/players')
export class HiddenPlayersController {
  constructor(private readonly hidden: HiddenPlayersService) {}

  @Put(':playerId/hidden')
  @ApiOperation({
    summary: 'Hide a player from everyone else on every board (shadow-ban), or show them again',
    description:
      'Hidden players vanish from pages, around-me windows, lookups, live events, stats and ' +
      "archived periods, and others' ranks close up; reads addressed by the player's own id " +
      '(their player read, around-me and standings) show a plausible standing among the visible ' +
      'players, and their submissions keep being accepted. Applies to every board, each one ' +
      'atomically against concurrent submissions; idempotent (repeat it to repair a request cut off midway).',
  })
  @ApiOkResponse({ type: HiddenPlayerDto })
  @ApiConflictResponse({
    type: Problem,
    description: 'Other requests kept changing the flag while it was applied; retry',
  })
  async set(
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Body() body: SetHiddenDto,
  ): Promise<HiddenPlayerDto> {
    return toHiddenPlayerDto(await this.hidden.setHidden(playerId, body.hidden, body.reason));
  }

  @Get(':playerId')
  @ApiOperation({ summary: "A player's moderation status: hidden or not, since when and why" })
  @ApiOkResponse({ type: HiddenPlayerDto })
  async get(@Param('playerId', PlayerIdPipe) playerId: string): Promise<HiddenPlayerDto> {
    return toHiddenPlayerDto(await this.hidden.status(playerId));
  }
}
