import { Controller, Delete, HttpCode, Param, Query } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '../common/auth';
import { Problem } from '../common/problem';
import { BoardIdPipe, PlayerIdPipe } from '../leaderboard/params';
import { EraseResultDto, PurgeQueryDto, PurgeResultDto } from './dto/submit.dto';
import { ModerationService } from './moderation.service';

@ApiTags('moderation')
@RequireScope('admin')
@ApiBadRequestResponse({ type: Problem })
@ApiNotFoundResponse({ type: Problem })
@SkipThrottle()
@Controller('v1')
export class ModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @Delete('leaderboards/:id/players/:playerId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a player from the current period' })
  @ApiNoContentResponse()
  async remove(
    @Param('id', BoardIdPipe) id: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
  ): Promise<void> {
    await this.moderation.removePlayer(id, playerId);
  }

  @Delete('leaderboards/:id/entries')
  @ApiOperation({ summary: 'Purge every current entry with minScore <= score <= maxScore' })
  @ApiOkResponse({ type: PurgeResultDto })
  async purge(
    @Param('id', BoardIdPipe) id: string,
    @Query() q: PurgeQueryDto,
  ): Promise<PurgeResultDto> {
    return { removed: await this.moderation.purge(id, q.minScore, q.maxScore) };
  }

  @Delete('players/:playerId')
  @ApiOperation({ summary: 'Erase a player from every board and archived period' })
  @ApiOkResponse({ type: EraseResultDto })
  erase(@Param('playerId', PlayerIdPipe) playerId: string): Promise<EraseResultDto> {
    return this.moderation.erase(playerId);
  }
}
