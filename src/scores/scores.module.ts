import { Module } from '@nestjs/common';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
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
  providers: [ScoresRepository, SubmissionsService, ModerationService],
  exports: [SubmissionsService, ModerationService],
})
export class ScoresModule {}

/** The scores feature's HTTP routes. */
@Module({
  imports: [ScoresModule, LeaderboardModule],
  controllers: [ScoresController, ModerationController, SeedController, HiddenPlayersController],
})
export class ScoresApiModule {}
