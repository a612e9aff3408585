import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../../common/auth';
import { Problem } from '../../common/problem';
import { BoardIdPipe } from '../../leaderboard/params';
import { ResetAcceptedDto } from './dto/reset.dto';
import { ResetsService } from './resets.service';

@ApiTags('jobs')
@ApiNotFoundResponse({ type: Problem })
@SkipThrottle()
@Controller('v1/leaderboards/:id')
export class ResetsController {
  constructor(private readonly resets: ResetsService) {}

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
