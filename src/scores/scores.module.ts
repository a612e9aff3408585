import { Module } from '@nestjs/common';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { RankingJobsModule } from '../ranking-jobs/ranking-jobs.module';
import { ScoresRepository } from './scores.repository';
import { ScoresService } from './scores.service';

/** Writes: submissions, batches, idempotency, moderation. */
@Module({
  imports: [LeaderboardModule, RankingJobsModule],
  providers: [ScoresRepository, ScoresService],
  exports: [ScoresService],
})
export class ScoresModule {}
