import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyDigest, RequireScope } from '../common/auth';
import { HotArgs, HotRoute, ServesHotRoutes } from '../common/hot-routes';
import { RateLimiter } from '../common/rate-limiter';
import { badRequest, Problem } from '../common/problem';
import { BoardIdPipe } from '../leaderboard/params';
import { BatchResultDto, SubmitBatchDto, SubmitResultDto, SubmitScoreDto } from './dto/submit.dto';
import { SubmissionsService } from './submissions.service';

const BOARD_ID = new BoardIdPipe();

function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length < 1 || value.length > 128) {
    throw badRequest('Idempotency-Key', 'must be 1-128 characters');
  }
  return value;
}

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Retry-safe submits: the same key and body within 24 h return the first response and apply nothing again; the same key with another body is a 409. Keys are scoped per board and per submit key. Send one whenever you may retry: a 503 `outcome-unknown` may have been applied.',
};

@ApiTags('scores')
@RequireScope('submit')
@ApiBadRequestResponse({ type: Problem })
@ApiNotFoundResponse({ type: Problem })
@ApiConflictResponse({
  type: Problem,
  description:
    'Idempotency-Key reused with another body (type `conflict`); tournament boards: `not-started`, `ended`, `closed` (activeFor), `full` (maxPlayers), `no-attempts-left` (maxAttempts)',
})
@ApiForbiddenResponse({
  type: Problem,
  description: 'Key without the submit scope, or (type `not-joined`) a player who has not joined',
})
@ApiPayloadTooLargeResponse({ type: Problem })
@ApiServiceUnavailableResponse({
  type: Problem,
  description:
    'Valkey unavailable. Type `unavailable`: nothing was applied, retry. Type `outcome-unknown`: the write may have been applied; retry with the same Idempotency-Key.',
})
@SkipThrottle()
@Controller('v1/leaderboards/:id/scores')
export class ScoresController implements ServesHotRoutes {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly args: HotArgs,
  ) {}

  /** Single and batch submits, served hot (see HotRoute). */
  hotRoutes(): HotRoute[] {
    const a = this.args;
    const base = '/v1/leaderboards/:id/scores';
    return [
      {
        method: 'POST',
        url: base,
        handle: async (req, reply) => {
          const apiKey = await a.apiKey(req, 'submit');
          const id = a.param(req, 'id', BOARD_ID);
          const body = await a.body(req, SubmitScoreDto);
          return this.submit(id, body, a.header(req, 'idempotency-key'), apiKey, reply);
        },
      },
      {
        method: 'POST',
        url: `${base}/batch`,
        handle: async (req, reply) => {
          const apiKey = await a.apiKey(req, 'submit');
          const id = a.param(req, 'id', BOARD_ID);
          const body = await a.body(req, SubmitBatchDto);
          return this.batch(id, body, a.header(req, 'idempotency-key'), apiKey, reply);
        },
      },
    ];
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit a score (one Valkey round trip)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({ type: SubmitResultDto })
  async submit(
    @Param('id', BoardIdPipe) id: string,
    @Body() body: SubmitScoreDto,
    @Headers('idempotency-key') key: string | undefined,
    @ApiKeyDigest() apiKey: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubmitResultDto> {
    const { result, replayed, rate } = await this.submissions.submit(
      id,
      body,
      idempotencyKey(key),
      apiKey,
    );
    if (replayed) void reply.header('idempotent-replayed', 'true');
    void reply.headers(RateLimiter.headers(rate));
    return result;
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit up to 1000 scores atomically; results in order' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({ type: BatchResultDto })
  async batch(
    @Param('id', BoardIdPipe) id: string,
    @Body() body: SubmitBatchDto,
    @Headers('idempotency-key') key: string | undefined,
    @ApiKeyDigest() apiKey: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchResultDto> {
    const { result, replayed, rate } = await this.submissions.submitBatch(
      id,
      body.entries,
      idempotencyKey(key),
      apiKey,
    );
    if (replayed) void reply.header('idempotent-replayed', 'true');
    void reply.headers(RateLimiter.headers(rate));
    return result;
  }
}
