import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '../common/auth';
import { Problem } from '../common/problem';
import { RateLimitedRead } from '../common/read-limit.docs';
import { CohortsService } from './cohorts.service';
import {
  CohortListDto,
  CohortPageDto,
  LeaguesDto,
  MovementsDto,
  PlayerCohortDto,
  PlayerLeagueDto,
  SetLeagueDto,
} from './dto/cohorts.dto';
import { PageQueryDto } from './dto/standings.dto';
import { BoardIdPipe, CohortIdPipe, PeriodIdPipe, PlayerIdPipe } from './params';

/**
 * Public reads of cohorts (boards created with `cohortSize`): the current period's under
 * `/v1/leaderboards/{id}`, an archived period's under `/v1/leaderboards/{id}/periods/{periodId}`.
 */
@ApiTags('cohorts')
@ApiNotFoundResponse({
  type: Problem,
  description: 'Unknown leaderboard, period, cohort or player, or a board without cohorts',
})
@ApiBadRequestResponse({ type: Problem })
@Controller('v1/leaderboards/:id')
export class CohortsController {
  constructor(private readonly cohorts: CohortsService) {}

  @RateLimitedRead()
  @Get('cohorts')
  @ApiOperation({ summary: "The current period's cohorts with league and size, in opening order" })
  @ApiOkResponse({ type: CohortListDto })
  list(@Param('id', BoardIdPipe) id: string, @Query() q: PageQueryDto): Promise<CohortListDto> {
    return this.cohorts.list(id, q.offset, q.limit);
  }

  @RateLimitedRead()
  @Get('cohorts/:cohortId/entries')
  @ApiOperation({ summary: 'A page of one cohort of the current period, ranked within it' })
  @ApiOkResponse({ type: CohortPageDto })
  page(
    @Param('id', BoardIdPipe) id: string,
    @Param('cohortId', CohortIdPipe) cohortId: number,
    @Query() q: PageQueryDto,
  ): Promise<CohortPageDto> {
    return this.cohorts.page(id, cohortId, q.offset, q.limit);
  }

  @RateLimitedRead()
  @Get('players/:playerId/cohort')
  @ApiOperation({ summary: "The player's whole cohort in the current period, in one call" })
  @ApiOkResponse({ type: PlayerCohortDto })
  ofPlayer(
    @Param('id', BoardIdPipe) id: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
  ): Promise<PlayerCohortDto> {
    return this.cohorts.ofPlayer(id, playerId);
  }

  @RateLimitedRead()
  @Get('periods/:periodId/cohorts')
  @ApiOperation({ summary: "An archived period's cohorts with league and size" })
  @ApiOkResponse({ type: CohortListDto })
  archivedList(
    @Param('id', BoardIdPipe) id: string,
    @Param('periodId', PeriodIdPipe) periodId: string,
    @Query() q: PageQueryDto,
  ): Promise<CohortListDto> {
    return this.cohorts.list(id, q.offset, q.limit, periodId);
  }

  @RateLimitedRead()
  @Get('periods/:periodId/cohorts/:cohortId/entries')
  @ApiOperation({ summary: 'A page of one cohort of an archived period (final standings)' })
  @ApiOkResponse({ type: CohortPageDto })
  archivedPage(
    @Param('id', BoardIdPipe) id: string,
    @Param('periodId', PeriodIdPipe) periodId: string,
    @Param('cohortId', CohortIdPipe) cohortId: number,
    @Query() q: PageQueryDto,
  ): Promise<CohortPageDto> {
    return this.cohorts.page(id, cohortId, q.offset, q.limit, periodId);
  }

  @RateLimitedRead()
  @Get('periods/:periodId/players/:playerId/cohort')
  @ApiOperation({ summary: "The player's whole cohort in an archived period" })
  @ApiOkResponse({ type: PlayerCohortDto })
  archivedOfPlayer(
    @Param('id', BoardIdPipe) id: string,
    @Param('periodId', PeriodIdPipe) periodId: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
  ): Promise<PlayerCohortDto> {
    return this.cohorts.ofPlayer(id, playerId, periodId);
  }

  @RateLimitedRead()
  @Get('leagues')
  @ApiOperation({ summary: 'Players per league, lowest league first (boards with leagues)' })
  @ApiOkResponse({ type: LeaguesDto })
  leagues(@Param('id', BoardIdPipe) id: string): Promise<LeaguesDto> {
    return this.cohorts.leagues(id);
  }

  @RateLimitedRead()
  @Get('periods/:periodId/movements')
  @ApiOperation({
    summary: "A closed period's promotions and demotions, in the order they were applied",
  })
  @ApiOkResponse({ type: MovementsDto })
  movements(
    @Param('id', BoardIdPipe) id: string,
    @Param('periodId', PeriodIdPipe) periodId: string,
    @Query() q: PageQueryDto,
  ): Promise<MovementsDto> {
    return this.cohorts.movements(id, periodId, q.offset, q.limit);
  }

  @SkipThrottle()
  @Put('players/:playerId/league')
  @RequireScope('admin')
  @ApiOperation({
    summary: "Set a player's league (admin): used from their next placement in a cohort",
  })
  @ApiOkResponse({ type: PlayerLeagueDto })
  setLeague(
    @Param('id', BoardIdPipe) id: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Body() body: SetLeagueDto,
  ): Promise<PlayerLeagueDto> {
    return this.cohorts.setLeague(id, playerId, body.league);
  }
}
