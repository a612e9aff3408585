import { Module } from '@nestjs/common';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { JoinsController } from './joins.controller';
import { JoinsRepository } from './joins.repository';
import { JoinsService } from './joins.service';
import { HiddenPlayersController } from './hidden-players.controller';
import { ModerationController } from './moderation.controller';
import { ModerationService } from './moderation.service';
import { ScoresController } from './scores.controller';
import { ScoresRepository } from './scores.repository';
import { SeedController } from './seed.controller';
import { SubmissionsService } from './submissions.service';

/** Writes: submissions, batches, idempotency, moderation. Announces `scores.changed`. */
@Module({
  imports: [LeaderboardModule],
  providers: [
    ScoresRepository,
    SubmissionsService,
    ModerationService,
    JoinsRepository,
    JoinsService,
  ],
  exports: [SubmissionsService, ModerationService, JoinsService],
})
export class ScoresModule {}

/** The scores feature's HTTP routes. */
@Module({
  imports: [ScoresModule, LeaderboardModule],
  controllers: [
    ScoresController,
    ModerationController,
    SeedController,
    JoinsController,
    HiddenPlayersController,
  ],
})
export class ScoresApiModule {}
