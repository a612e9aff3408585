import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { QueueModule } from '../ranking-jobs/ranking-jobs.module';
import { DELIVERY_TIMEOUT_MS, MAX_RESPONSE_BYTES, WebhookClient } from './webhook-client';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookMetrics } from './webhook-metrics';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks: hears domain events and queues deliveries (every mode: api requests cause
 * `leaderboard.*` and `player.erased`, the worker's results job `period.closed`), and handles
 * the `webhooks/deliver` job (worker).
 */
@Module({
  imports: [QueueModule, LeaderboardModule],
  providers: [
    WebhooksRepository,
    WebhooksService,
    WebhookDeliveries,
    WebhookMetrics,
    {
      provide: WebhookClient,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new WebhookClient({
          allowPrivate: config.webhooks.allowPrivate,
          httpsOnly: config.production,
          timeoutMs: DELIVERY_TIMEOUT_MS,
          maxResponseBytes: MAX_RESPONSE_BYTES,
        }),
    },
  ],
  exports: [WebhooksService],
})
export class WebhooksModule {}

/** The webhook administration routes. */
@Module({
  imports: [WebhooksModule],
  controllers: [WebhooksController],
})
export class WebhooksApiModule {}
