import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { answerRead, ConditionalRead, versionFromIfNoneMatch } from '../common/conditional-read';
import { HotArgs, HotRoute, ServesHotRoutes } from '../common/hot-routes';
import { RateLimitedRead } from '../common/read-limit.docs';
import { Problem } from '../common/problem';
import type { LimitSpec } from '../common/rate-limit.repository';
import { RateLimiter } from '../common/rate-limiter';
import { LimitInScript, ReadLimit } from '../common/throttling';
import { AppConfig } from '../config/app-config';
import {
  AroundDto,
  AroundQueryDto,
  LookupDto,
  LookupResultDto,
  PageDto,
  PageQueryDto,
  PlayerDto,
} from './dto/standings.dto';
import { BoardIdPipe, PlayerIdPipe } from './params';
import { StandingsService } from './standings.service';

const BOARD_ID = new BoardIdPipe();
const PLAYER_ID = new PlayerIdPipe();

/**
 * Public reads of the current period. Each is one Valkey call: the per-IP read limit is charged
 * and the If-None-Match version checked in the read's own script (on a cluster the limit is
 * checked first, by the guard: its counter lives in another slot).
 */
@ApiTags('standings')
@ApiNotFoundResponse({ type: Problem, description: 'Unknown leaderboard or player' })
@ApiBadRequestResponse({ type: Problem })
@RateLimitedRead()
@LimitInScript()
@Controller('v1/leaderboards/:id')
export class StandingsController implements ServesHotRoutes {
  constructor(
    private readonly standings: StandingsService,
    private readonly config: AppConfig,
    private readonly args: HotArgs,
  ) {}

  /**
   * The three GET reads, served hot (see HotRoute) where their script charges the read limit.
   * Arguments are checked in the order Nest's pipes reject them, so a request with several bad
   * ones gets the same 400: Nest resolves a method's parameters concurrently, starting from the
   * last (parameter decorators run last to first), so of two bad path parameters the later one
   * (`playerId`) wins; the query's validation settles after both path parameters.
   */
  hotRoutes(): HotRoute[] {
    if (!this.args.readsCanBeHot) return [];
    const a = this.args;
    const base = '/v1/leaderboards/:id';
    return [
      {
        method: 'GET',
        url: `${base}/entries`,
        handle: async (req, reply) => {
          const id = a.param(req, 'id', BOARD_ID);
          const q = await a.query(req, PageQueryDto);
          return this.page(id, q, a.readLimit(req), a.header(req, 'if-none-match'), reply);
        },
      },
      {
        method: 'GET',
        url: `${base}/players/:playerId`,
        handle: (req, reply) => {
          // playerId before id: which 400 Nest answers when both are bad (see hotRoutes()).
          const playerId = a.param(req, 'playerId', PLAYER_ID);
          const id = a.param(req, 'id', BOARD_ID);
          return this.player(id, playerId, a.readLimit(req), a.header(req, 'if-none-match'), reply);
        },
      },
      {
        method: 'GET',
        url: `${base}/players/:playerId/around`,
        handle: async (req, reply) => {
          const playerId = a.param(req, 'playerId', PLAYER_ID);
          const id = a.param(req, 'id', BOARD_ID);
          const q = await a.query(req, AroundQueryDto);
          return this.around(
            id,
            playerId,
            q,
            a.readLimit(req),
            a.header(req, 'if-none-match'),
            reply,
          );
        },
      },
    ];
  }

  @Get('entries')
  @ApiOperation({ summary: 'A page of the current period, best first' })
  @ConditionalRead(PageDto)
  async page(
    @Param('id', BoardIdPipe) id: string,
    @Query() q: PageQueryDto,
    @ReadLimit() limit: LimitSpec | null,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const ifVersion = versionFromIfNoneMatch(ifNoneMatch);
    const answer = await this.standings.pageIf(id, q.offset, q.limit, { limit, ifVersion });
    return answerRead(reply, answer, this.config.readCacheControl, ifNoneMatch);
  }

  @Get('players/:playerId')
  @ApiOperation({ summary: "One player's entry with total, topPercent and tier" })
  @ConditionalRead(PlayerDto)
  async player(
    @Param('id', BoardIdPipe) id: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @ReadLimit() limit: LimitSpec | null,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const ifVersion = versionFromIfNoneMatch(ifNoneMatch);
    const answer = await this.standings.playerIf(id, playerId, { limit, ifVersion });
    return answerRead(reply, answer, this.config.readCacheControl, ifNoneMatch);
  }

  @Get('players/:playerId/around')
  @ApiOperation({ summary: '`limit` consecutive entries containing the player, centred' })
  @ConditionalRead(AroundDto)
  async around(
    @Param('id', BoardIdPipe) id: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Query() q: AroundQueryDto,
    @ReadLimit() limit: LimitSpec | null,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const ifVersion = versionFromIfNoneMatch(ifNoneMatch);
    const answer = await this.standings.aroundIf(id, playerId, q.limit, { limit, ifVersion });
    return answerRead(reply, answer, this.config.readCacheControl, ifNoneMatch);
  }

  @Post('players/lookup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Entries of up to 100 players (friends board), by rank' })
  @ApiOkResponse({ type: LookupResultDto })
  async lookup(
    @Param('id', BoardIdPipe) id: string,
    @Body() body: LookupDto,
    @ReadLimit() limit: LimitSpec | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LookupResultDto> {
    const answer = await this.standings.lookupIf(id, body.playerIds, { limit });
    void reply.headers(RateLimiter.headers(answer.rate ?? null));
    return answer.body;
  }
}
