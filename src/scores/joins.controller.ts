import { Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyDigest, RequireScope } from '../common/auth';
import { Problem } from '../common/problem';
import { RateLimiter } from '../common/rate-limiter';
import { BoardIdPipe, PlayerIdPipe } from '../leaderboard/params';
import { JoinResultDto } from './dto/join.dto';
import { JoinsService } from './joins.service';

@ApiTags('scores')
@RequireScope('submit')
@SkipThrottle()
@Controller('v1/leaderboards/:id/players')
export class JoinsController {
  constructor(private readonly joins: JoinsService) {}

  @Post(':playerId/join')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Join the current period of a tournament board (joinRequired / maxPlayers)',
    description:
      'Seats the player in the current period, atomically (concurrent joins for the last seat admit exactly one); joining again is a no-op 200. Accepted before startsAt. Charged like one submission against the rate limits.',
  })
  @ApiOkResponse({ type: JoinResultDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem, description: 'Unknown leaderboard' })
  @ApiConflictResponse({
    type: Problem,
    description:
      'Type `full` (maxPlayers seats taken), `ended` (the tournament is over), `closed` (the period no longer takes submissions: activeFor) or `no-entry-rules` (the board takes no joins)',
  })
  @ApiTooManyRequestsResponse({ type: Problem })
  @ApiServiceUnavailableResponse({ type: Problem })
  async join(
    @Param('id', BoardIdPipe) id: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @ApiKeyDigest() apiKey: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JoinResultDto> {
    const { result, rate } = await this.joins.join(id, playerId, apiKey);
    void reply.headers(RateLimiter.headers(rate));
    return result;
  }
}
