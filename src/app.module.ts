import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './common/auth';
import { ProblemFilter } from './common/problem.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { BoardsController } from './leaderboard/boards.controller';
import { LeaderboardModule } from './leaderboard/leaderboard.module';
import { StandingsController } from './leaderboard/standings.controller';
import { ModerationController } from './scores/moderation.controller';
import { ScoresController } from './scores/scores.controller';
import { ScoresModule } from './scores/scores.module';
import { SeedController } from './scores/seed.controller';
import { ValkeyModule } from './valkey/valkey.module';
import { RateLimitModule } from './common/rate-limit.module';
import { MetricsModule } from './common/metrics';
import { ReadRateLimitGuard } from './common/read-rate-limit.guard';
import { PeriodsController } from './leaderboard/periods.controller';
import { QueueDashboard } from './ranking-jobs/dashboard';
import { RankingController } from './ranking-jobs/ranking.controller';
import { RankingJobsModule, WorkerModule } from './ranking-jobs/ranking-jobs.module';
import { LiveGatewayModule, LivePublisherModule } from './realtime/realtime.module';

/** The public HTTP surface: controllers, auth guard, problem+json filter. */
@Module({
  imports: [LeaderboardModule, ScoresModule, RankingJobsModule, LiveGatewayModule],
  controllers: [
    BoardsController,
    StandingsController,
    PeriodsController,
    RankingController,
    ScoresController,
    ModerationController,
    SeedController,
  ],
  providers: [
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: ReadRateLimitGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
    QueueDashboard,
  ],
})
export class ApiModule {}

/**
 * Root module: configuration, Valkey and health for every mode, plus the mode's own modules:
 * `api` serves HTTP and enqueues jobs, `worker` runs the BullMQ workers, `all` does both.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const worker = [WorkerModule, LivePublisherModule];
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
        RateLimitModule,
        MetricsModule,
        HealthModule,
        ...modeModules,
      ],
    };
  }
}
