import { Module } from '@nestjs/common';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { ScoresRepository } from './scores.repository';
import { ScoresService } from './scores.service';

/** Writes: submissions, batches, idempotency, moderation. */
@Module({
  imports: [LeaderboardModule],
  providers: [ScoresRepository, ScoresService],
  exports: [ScoresService],
})
export class ScoresModule {}
