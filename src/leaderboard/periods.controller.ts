import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RateLimitedRead } from '../common/read-limit.docs';
import { Problem } from '../common/problem';
import { PeriodListDto } from './dto/periods.dto';
import { PageDto, PageQueryDto, PlayerDto } from './dto/standings.dto';
import { BoardIdPipe, PeriodIdPipe, PlayerIdPipe } from './params';
import { PeriodsService } from './periods.service';

@ApiTags('periods')
@ApiNotFoundResponse({ type: Problem })
@ApiBadRequestResponse({ type: Problem })
@RateLimitedRead()
@Controller('v1/leaderboards/:id/periods')
export class PeriodsController {
  constructor(private readonly periods: PeriodsService) {}

  @Get()
  @ApiOperation({ summary: 'Archived periods, newest first' })
  @ApiOkResponse({ type: PeriodListDto })
  list(@Param('id', BoardIdPipe) id: string): Promise<PeriodListDto> {
    return this.periods.list(id);
  }

  @Get(':periodId/entries')
  @ApiOperation({ summary: 'A page of an archived period (read-only)' })
  @ApiOkResponse({ type: PageDto })
  page(
    @Param('id', BoardIdPipe) id: string,
    @Param('periodId', PeriodIdPipe) periodId: string,
    @Query() q: PageQueryDto,
  ): Promise<PageDto> {
    return this.periods.page(id, periodId, q.offset, q.limit);
  }

  @Get(':periodId/players/:playerId')
  @ApiOperation({ summary: "A player's final entry in an archived period" })
  @ApiOkResponse({ type: PlayerDto })
  player(
    @Param('id', BoardIdPipe) id: string,
    @Param('periodId', PeriodIdPipe) periodId: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
  ): Promise<PlayerDto> {
    return this.periods.player(id, periodId, playerId);
  }
}
