import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyDigest, RequireScope } from '../common/auth';
import { Problem } from '../common/problem';
import { RateLimitedRead } from '../common/read-limit.docs';
import { GLOBAL_BOARD_ID } from '../leaderboard/board';
import { StandingsService } from '../leaderboard/standings.service';
import { SeedEntryDto, SeedSubmitDto, SeedSubmitResultDto } from './dto/submit.dto';
import { SubmissionsService } from './submissions.service';

/** The original two routes, kept working on the `global` board. */
@ApiTags('seed-compatible')
@Controller()
export class SeedController {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly standings: StandingsService,
  ) {}

  @SkipThrottle()
  @Post('submit-score')
  @HttpCode(200)
  @RequireScope('submit')
  @ApiOperation({ summary: 'Submit a score to the global board (seed-compatible)' })
  @ApiOkResponse({ type: SeedSubmitResultDto })
  @ApiBadRequestResponse({ type: Problem })
  async submit(
    @Body() body: SeedSubmitDto,
    @ApiKeyDigest() apiKey: string,
  ): Promise<SeedSubmitResultDto> {
    const { result } = await this.submissions.submit(
      GLOBAL_BOARD_ID,
      { playerId: body.player_id, score: body.score },
      undefined,
      apiKey,
    );
    return {
      player_id: body.player_id,
      score: result.score,
      rank: result.rank,
      updated: result.updated,
    };
  }

  @Get('leaderboard')
  @RateLimitedRead()
  @ApiOperation({ summary: 'Top 10 of the global board (seed-compatible)' })
  @ApiOkResponse({ type: [SeedEntryDto] })
  async top(): Promise<SeedEntryDto[]> {
    const page = await this.standings.page(GLOBAL_BOARD_ID, 0, 10);
    return page.entries.map((e) => ({ player_id: e.playerId, score: e.score }));
  }
}
