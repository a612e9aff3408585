import { Module } from '@nestjs/common';
import { BoardsController } from './boards.controller';
import { BoardsRepository } from './boards.repository';
import { BoardsService } from './boards.service';
import { LayoutMigration } from './layout-migration';
import { LayoutMigrationRepository } from './layout-migration.repository';
import { PeriodsController } from './periods.controller';
import { PeriodsRepository } from './periods.repository';
import { PeriodsService } from './periods.service';
import { StandingsController } from './standings.controller';
import { StandingsRepository } from './standings.repository';
import { StandingsService } from './standings.service';

/**
 * Boards and reads of their standings and archived periods. Announces `board.*` events. Converts
 * boards stored in an older layout at startup (LayoutMigration, in every mode).
 */
@Module({
  providers: [
    BoardsRepository,
    BoardsService,
    LayoutMigrationRepository,
    LayoutMigration,
    StandingsRepository,
    StandingsService,
    PeriodsRepository,
    PeriodsService,
  ],
  exports: [
    BoardsService,
    BoardsRepository,
    StandingsService,
    StandingsRepository,
    PeriodsService,
    PeriodsRepository,
    LayoutMigration,
  ],
})
export class LeaderboardModule {}

/** The leaderboard feature's HTTP routes. */
@Module({
  imports: [LeaderboardModule],
  controllers: [BoardsController, StandingsController, PeriodsController],
})
export class LeaderboardApiModule {}
