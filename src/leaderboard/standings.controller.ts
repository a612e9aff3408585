import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RateLimitedRead } from '../common/read-limit.docs';
import { Problem } from '../common/problem';
import {
  AroundDto,
  AroundQueryDto,
  LookupDto,
  LookupResultDto,
  PageDto,
  PageQueryDto,
  PlayerDto,
} from './dto/standings.dto';
import { BoardIdPipe, PlayerIdPipe } from './params';
import { StandingsService } from './standings.service';

@ApiTags('standings')
@ApiNotFoundResponse({ type: Problem, description: 'Unknown leaderboard or player' })
@ApiBadRequestResponse({ type: Problem })
@RateLimitedRead()
@Controller('v1/leaderboards/:id')
export class StandingsController {
  constructor(private readonly standings: StandingsService) {}

  @Get('entries')
  @ApiOperation({ summary: 'A page of the current period, best first' })
  @ApiOkResponse({ type: PageDto })
  page(@Param('id', BoardIdPipe) id: string, @Query() q: PageQueryDto): Promise<PageDto> {
    return this.standings.page(id, q.offset, q.limit);
  }

  @Get('players/:playerId')
  @ApiOperation({ summary: "One player's entry with total, topPercent and tier" })
  @ApiOkResponse({ type: PlayerDto })
  player(
    @Param('id', BoardIdPipe) id: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
  ): Promise<PlayerDto> {
    return this.standings.player(id, playerId);
  }

  @Get('players/:playerId/around')
  @ApiOperation({ summary: '`limit` consecutive entries containing the player, centred' })
  @ApiOkResponse({ type: AroundDto })
  around(
    @Param('id', BoardIdPipe) id: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Query() q: AroundQueryDto,
  ): Promise<AroundDto> {
    return this.standings.around(id, playerId, q.limit);
  }

  @Post('players/lookup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Entries of up to 100 players (friends board), by rank' })
  @ApiOkResponse({ type: LookupResultDto })
  lookup(@Param('id', BoardIdPipe) id: string, @Body() body: LookupDto): Promise<LookupResultDto> {
    return this.standings.lookup(id, body.playerIds);
  }
}
