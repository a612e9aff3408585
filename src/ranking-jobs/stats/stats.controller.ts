import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Problem } from '../../common/problem';
import { RateLimitedRead } from '../../common/read-limit.docs';
import { BoardIdPipe } from '../../leaderboard/params';
import { StatsDto, toStatsDto } from './dto/stats.dto';
import { StatsService } from './stats.service';

@ApiTags('jobs')
@ApiNotFoundResponse({ type: Problem })
@Controller('v1/leaderboards/:id')
export class StatsController {
  constructor(private readonly service: StatsService) {}

  @Get('stats')
  @RateLimitedRead()
  @ApiOperation({
    summary: 'Score distribution of the current period, computed by the ranking job',
  })
  @ApiOkResponse({ type: StatsDto })
  async stats(@Param('id', BoardIdPipe) id: string): Promise<StatsDto> {
    return toStatsDto(await this.service.read(id));
  }
}
