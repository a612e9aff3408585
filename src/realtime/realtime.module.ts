import { Module } from '@nestjs/common';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { RankingJobsModule } from '../ranking-jobs/ranking-jobs.module';
import { LiveGateway } from './live.gateway';
import { LivePage } from './live-page';
import { LivePublisher } from './live-publisher';
import { LiveRepository } from './live.repository';

/** Shared by both sides of live updates. */
@Module({
  imports: [LeaderboardModule, RankingJobsModule],
  providers: [LiveRepository],
  exports: [LiveRepository],
})
export class RealtimeModule {}

/** API side: the Socket.IO gateway and the live page. */
@Module({
  imports: [RealtimeModule, LeaderboardModule],
  providers: [LiveGateway, LivePage],
})
export class LiveGatewayModule {}

/** Worker side: turns ranking jobs and resets into live events. */
@Module({
  imports: [RealtimeModule, LeaderboardModule, RankingJobsModule],
  providers: [LivePublisher],
})
export class LivePublisherModule {}
