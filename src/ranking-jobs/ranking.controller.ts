import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '../common/auth';
import { Problem } from '../common/problem';
import { RateLimitedRead } from '../common/read-rate-limit.guard';
import { BoardIdPipe } from '../leaderboard/params';
import { ResetAcceptedDto, StatsDto } from './dto';
import { RankingService } from './ranking.service';
import { ResetsService } from './resets.service';

@ApiTags('jobs')
@ApiNotFoundResponse({ type: Problem })
@Controller('v1/leaderboards/:id')
export class RankingController {
  constructor(
    private readonly ranking: RankingService,
    private readonly resets: ResetsService,
  ) {}

  @Get('stats')
  @RateLimitedRead()
  @ApiOperation({
    summary: 'Score distribution of the current period, computed by the ranking job',
  })
  @ApiOkResponse({ type: StatsDto })
  async stats(@Param('id', BoardIdPipe) id: string): Promise<StatsDto> {
    const s = await this.ranking.read(id);
    return {
      leaderboardId: s.leaderboardId,
      periodId: s.periodId,
      total: s.total,
      minScore: s.minScore,
      maxScore: s.maxScore,
      percentiles: s.percentiles,
      histogram: s.histogram,
      tiers: s.tiers,
      computedAt: s.computedAt,
    };
  }

  @Post('reset')
  @HttpCode(202)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Archive the current period now (through the reset queue)' })
  @ApiAcceptedResponse({ type: ResetAcceptedDto })
  async reset(@Param('id', BoardIdPipe) id: string): Promise<ResetAcceptedDto> {
    const { jobId, periodId } = await this.resets.request(id);
    return { jobId, leaderboardId: id, periodId };
  }
}
