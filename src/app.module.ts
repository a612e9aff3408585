import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminConsoleModule } from './admin-console/admin-console.module';
import { ApiKeyGuard } from './common/auth';
import { MetricsModule } from './common/metrics';
import { RateLimitModule } from './common/rate-limit.module';
import { ReadThrottlerGuard, ThrottlingModule } from './common/throttling';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { ValkeyModule } from './valkey/valkey.module';
import { LeaderboardApiModule } from './leaderboard/leaderboard.module';
import {
  RankingJobsApiModule,
  RankingJobsModule,
  WorkerModule,
} from './ranking-jobs/ranking-jobs.module';
import { LiveGatewayModule, LivePublisherModule } from './realtime/realtime.module';
import { ScoresApiModule } from './scores/scores.module';
import {
  BoardsFileAtBootModule,
  BoardsFileModule,
} from './leaderboard/boards-file/boards-file.module';
import { WebhooksApiModule, WebhooksModule } from './webhooks/webhooks.module';

/** The public HTTP surface: each feature's routes and the guards (the problem+json filter is global in every mode, see app.ts). */
@Module({
  imports: [
    ThrottlingModule,
    LeaderboardApiModule,
    ScoresApiModule,
    RankingJobsApiModule,
    LiveGatewayModule,
    AdminConsoleModule,
    WebhooksApiModule,
  ],
  providers: [
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: ReadThrottlerGuard },
  ],
})
export class ApiModule {}

/**
 * Root module: configuration, Valkey, events and health for every mode, plus the mode's own
 * modules: `api` serves HTTP and enqueues jobs, `worker` runs the BullMQ workers and the live
 * publisher, `all` does both.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const worker = [WorkerModule, LivePublisherModule, BoardsFileAtBootModule, WebhooksModule];
    const modeModules =
      config.mode === 'api'
        ? [ApiModule]
        : config.mode === 'worker'
          ? worker
          : [ApiModule, ...worker];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ValkeyModule,
        EventsModule,
        RateLimitModule,
        MetricsModule,
        HealthModule,
        ...modeModules,
      ],
    };
  }
}

/**
 * `npm run boards` (src/boards-cli.ts): the boards-file service and what a board change sets in
 * motion (reset schedulers follow `board.saved` as in an api process); no HTTP, no workers.
 */
@Module({})
export class BoardsCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: BoardsCliModule,
      imports: [
        ConfigModule.forRoot(config),
        ValkeyModule,
        EventsModule,
        RateLimitModule,
        MetricsModule,
        RankingJobsModule,
        BoardsFileModule,
      ],
    };
  }
}
