import { Module } from '@nestjs/common';
import { BoardEvents } from './board-events';
import { BoardsRepository } from './boards.repository';
import { BoardsService } from './boards.service';
import { PeriodsRepository } from './periods.repository';
import { PeriodsService } from './periods.service';
import { StandingsRepository } from './standings.repository';
import { StandingsService } from './standings.service';

/** Boards and reads of their standings (providers; the API module mounts the controllers). */
@Module({
  providers: [
    BoardEvents,
    BoardsRepository,
    BoardsService,
    StandingsRepository,
    StandingsService,
    PeriodsRepository,
    PeriodsService,
  ],
  exports: [
    BoardEvents,
    BoardsService,
    BoardsRepository,
    StandingsService,
    StandingsRepository,
    PeriodsService,
  ],
})
export class LeaderboardModule {}
