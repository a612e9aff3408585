import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RateLimitedRead } from '../common/read-limit.docs';
import type { LimitSpec } from '../common/rate-limit.repository';
import { RateLimiter } from '../common/rate-limiter';
import { LimitInScript, ReadLimit } from '../common/throttling';
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
  @LimitInScript()
  @ApiOperation({ summary: 'A page of an archived period (read-only)' })
  @ApiOkResponse({ type: PageDto })
  async page(
    @Param('id', BoardIdPipe) id: string,
    @Param('periodId', PeriodIdPipe) periodId: string,
    @Query() q: PageQueryDto,
    @ReadLimit() limit: LimitSpec | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PageDto> {
    const answer = await this.periods.page(id, periodId, q.offset, q.limit, { limit });
    void reply.headers(RateLimiter.headers(answer.rate ?? null));
    return answer.body;
  }

  @Get(':periodId/players/:playerId')
  @LimitInScript()
  @ApiOperation({ summary: "A player's final entry in an archived period" })
  @ApiOkResponse({ type: PlayerDto })
  async player(
    @Param('id', BoardIdPipe) id: string,
    @Param('periodId', PeriodIdPipe) periodId: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @ReadLimit() limit: LimitSpec | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlayerDto> {
    const answer = await this.periods.player(id, periodId, playerId, { limit });
    void reply.headers(RateLimiter.headers(answer.rate ?? null));
    return answer.body;
  }
}
