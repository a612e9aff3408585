import { Module } from '@nestjs/common';
import { BoardsRepository } from './boards.repository';
import { BoardsService } from './boards.service';
import { StandingsRepository } from './standings.repository';
import { StandingsService } from './standings.service';

/** Boards and reads of their standings (providers; the API module mounts the controllers). */
@Module({
  providers: [BoardsRepository, BoardsService, StandingsRepository, StandingsService],
  exports: [BoardsService, BoardsRepository, StandingsService],
})
export class LeaderboardModule {}
