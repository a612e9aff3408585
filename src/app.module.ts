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

/** The public HTTP surface: controllers, auth guard, problem+json filter. */
@Module({
  imports: [LeaderboardModule, ScoresModule],
  controllers: [
    BoardsController,
    StandingsController,
    ScoresController,
    ModerationController,
    SeedController,
  ],
  providers: [
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
export class ApiModule {}

/** Root module: configuration and Valkey for every mode, plus the mode's own modules. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const modeModules = config.mode === 'worker' ? [] : [ApiModule];
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), ValkeyModule, HealthModule, ...modeModules],
    };
  }
}
