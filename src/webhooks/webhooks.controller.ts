import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
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
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  DeliveryListDto,
  TestDeliveryDto,
  toDeliveryAttemptDto,
  toWebhookDto,
  UpdateWebhookDto,
  WebhookDto,
} from './dto/webhook.dto';
import { WebhookIdPipe } from './params';
import { WebhooksService } from './webhooks.service';

/** Webhook administration: every route needs an admin key (like board administration). */
@ApiTags('webhooks')
@RequireScope('admin')
@SkipThrottle()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({
    summary: 'Register a webhook',
    description:
      'The response carries the signing `secret` (generated when not given): it is never shown ' +
      'again. Deliveries are signed with it (`Valkran-Signature`).',
  })
  @ApiBadRequestResponse({ type: Problem })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiConflictResponse({ type: Problem, description: 'The most webhooks exist (`webhook-limit`)' })
  async create(@Body() body: CreateWebhookDto): Promise<CreatedWebhookDto> {
    const { hook, secret } = await this.webhooks.create(body);
    return { ...toWebhookDto(hook), secret };
  }

  @Get()
  @ApiOperation({ summary: 'Every webhook, oldest first (secrets are never shown)' })
  @ApiOkResponse({ type: [WebhookDto] })
  async list(): Promise<WebhookDto[]> {
    return (await this.webhooks.list()).map(toWebhookDto);
  }

  @Get(':webhookId')
  @ApiOperation({ summary: 'A webhook and its health (`failing`)' })
  @ApiBadRequestResponse({ type: Problem })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ type: Problem })
  async get(@Param('webhookId', WebhookIdPipe) id: string): Promise<WebhookDto> {
    return toWebhookDto(await this.webhooks.get(id));
  }

  @Patch(':webhookId')
  @ApiOperation({ summary: 'Change the URL, events, secret or description' })
  @ApiBadRequestResponse({ type: Problem })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ type: Problem })
  async update(
    @Param('webhookId', WebhookIdPipe) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return toWebhookDto(await this.webhooks.update(id, body));
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook (queued deliveries to it are dropped)' })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: Problem })
  async delete(@Param('webhookId', WebhookIdPipe) id: string): Promise<void> {
    await this.webhooks.delete(id);
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: 'The last 100 delivery attempts, newest first' })
  @ApiBadRequestResponse({ type: Problem })
  @ApiOkResponse({ type: DeliveryListDto })
  @ApiNotFoundResponse({ type: Problem })
  async deliveries(@Param('webhookId', WebhookIdPipe) id: string): Promise<DeliveryListDto> {
    const attempts = await this.webhooks.attempts(id);
    return { webhookId: id, deliveries: attempts.map(toDeliveryAttemptDto) };
  }

  @Post(':webhookId/test')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a signed `ping` now (one attempt, no retries) and report how it went',
    description: 'A 200 whatever the receiver answered: `ok` says whether it took it (2xx).',
  })
  @ApiBadRequestResponse({ type: Problem })
  @ApiOkResponse({ type: TestDeliveryDto })
  @ApiNotFoundResponse({ type: Problem })
  async test(@Param('webhookId', WebhookIdPipe) id: string): Promise<TestDeliveryDto> {
    const { ok, record } = await this.webhooks.ping(id);
    return { ...toDeliveryAttemptDto(record), ok };
  }
}
