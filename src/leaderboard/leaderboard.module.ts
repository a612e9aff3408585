import { Module } from '@nestjs/common';
import { BoardsController } from './boards.controller';
import { BoardsRepository } from './boards.repository';
import { BoardsService } from './boards.service';
import { CohortsController } from './cohorts.controller';
import { CohortsRepository } from './cohorts.repository';
import { CohortsService } from './cohorts.service';
import { HiddenPlayersRepository } from './hidden-players.repository';
import { HiddenPlayersService } from './hidden-players.service';
import { LayoutMigration } from './layout-migration';
import { LayoutMigrationRepository } from './layout-migration.repository';
import { PeriodsController } from './periods.controller';
import { PeriodsRepository } from './periods.repository';
import { PeriodsService } from './periods.service';
import { PlayerStandingsController } from './player-standings.controller';
import { PlayerStandingsService } from './player-standings.service';
import { StandingsController } from './standings.controller';
import { StandingsRepository } from './standings.repository';
import { RenderedReads } from './rendered-reads';
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
    RenderedReads,
    PeriodsRepository,
    PeriodsService,
    PlayerStandingsService,
    HiddenPlayersRepository,
    HiddenPlayersService,
    CohortsRepository,
    CohortsService,
  ],
  exports: [
    BoardsService,
    BoardsRepository,
    StandingsService,
    StandingsRepository,
    PeriodsService,
    PlayerStandingsService,
    PeriodsRepository,
    LayoutMigration,
    HiddenPlayersService,
    CohortsService,
    CohortsRepository,
  ],
})
export class LeaderboardModule {}

/** The leaderboard feature's HTTP routes. */
@Module({
  imports: [LeaderboardModule],
  controllers: [
    BoardsController,
    StandingsController,
    PeriodsController,
    PlayerStandingsController,
    CohortsController,
  ],
})
export class LeaderboardApiModule {}
