import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '../common/auth';
import { Problem } from '../common/problem';
import { RateLimitedRead } from '../common/read-limit.docs';
import {
  BoardDto,
  BoardListQueryDto,
  CreateBoardDto,
  toBoardDto,
  tournamentInput,
  UpdateBoardDto,
} from './dto/board.dto';
import { BoardsService, BoardView } from './boards.service';
import { BoardIdPipe } from './params';

const toDto = (v: BoardView): BoardDto => toBoardDto(v.board, v.memberCount, v.nextResetAt);

@ApiTags('leaderboards')
@Controller('v1/leaderboards')
export class BoardsController {
  constructor(private readonly boards: BoardsService) {}

  @SkipThrottle()
  @Post()
  @RequireScope('admin')
  @ApiOperation({ summary: 'Create a leaderboard' })
  @ApiCreatedResponse({ type: BoardDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiConflictResponse({
    type: Problem,
    description:
      'A board with this id exists (type `conflict`), or MAX_BOARDS boards exist (type `board-limit`)',
  })
  async create(@Body() body: CreateBoardDto): Promise<BoardDto> {
    const { id, startsAt, endsAt, ...settings } = body;
    return toDto(
      await this.boards.create(id, { ...settings, ...tournamentInput({ startsAt, endsAt }) }),
    );
  }

  @Get()
  @RateLimitedRead()
  @ApiOperation({
    summary: 'List leaderboards with their configuration and member counts, a page at a time',
    description:
      'Boards in id order, `limit` (default 100, at most 200) from `offset`. The body is the array of ' +
      'boards; `X-Total-Count` says how many exist and `Link: <…>; rel="next"` points at the next ' +
      'page (absent on the last one).',
  })
  @ApiOkResponse({
    type: [BoardDto],
    headers: {
      'X-Total-Count': { description: 'boards in all', schema: { type: 'integer' } },
      Link: {
        description: 'the next page: `</v1/leaderboards?offset=100&limit=100>; rel="next"`',
        schema: { type: 'string' },
      },
    },
  })
  async list(
    @Query() query: BoardListQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BoardDto[]> {
    const page = await this.boards.list(query.offset, query.limit);
    void reply.header('x-total-count', String(page.total));
    if (page.nextOffset !== null) {
      void reply.header(
        'link',
        `</v1/leaderboards?offset=${page.nextOffset}&limit=${query.limit}>; rel="next"`,
      );
    }
    return page.boards.map(toDto);
  }

  @Get(':id')
  @RateLimitedRead()
  @ApiOperation({ summary: 'A leaderboard: configuration, member count, current period' })
  @ApiOkResponse({ type: BoardDto })
  @ApiNotFoundResponse({ type: Problem })
  async get(@Param('id', BoardIdPipe) id: string): Promise<BoardDto> {
    return toDto(await this.boards.get(id));
  }

  @SkipThrottle()
  @Patch(':id')
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Change mutable settings (immutable fields give 400)',
    description: 'New rewards and resultsTop apply to periods that close after the change.',
  })
  @ApiOkResponse({ type: BoardDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiConflictResponse({
    type: Problem,
    description: 'startsAt or endsAt of a tournament that has ended (type `ended`)',
  })
  @ApiNotFoundResponse({ type: Problem })
  async update(
    @Param('id', BoardIdPipe) id: string,
    @Body() body: UpdateBoardDto,
  ): Promise<BoardDto> {
    const { title, resetSchedule, timezone, minScore, maxScore, retainPeriods, tiers } = body;
    const { rewards, resultsTop } = body;
    return toDto(
      await this.boards.update(id, {
        title,
        resetSchedule,
        timezone,
        minScore,
        maxScore,
        retainPeriods,
        tiers,
        activeFor: body.activeFor,
        ...tournamentInput(body),
        rewards,
        resultsTop,
      }),
    );
  }

  @SkipThrottle()
  @Delete(':id')
  @HttpCode(204)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Delete a leaderboard with all its periods' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'The global board cannot be deleted' })
  async delete(@Param('id', BoardIdPipe) id: string): Promise<void> {
    await this.boards.delete(id);
  }
}
