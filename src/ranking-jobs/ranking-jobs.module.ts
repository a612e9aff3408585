import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { JobHandlerRegistry } from './job-handlers';
import { JobQueues } from './job-queues';
import { RankingService } from './ranking.service';
import { RankingTrigger } from './ranking-trigger';
import { ResetsRepository } from './resets.repository';
import { ResetsService } from './resets.service';
import { SchedulesService } from './schedules.service';
import { StatsRepository } from './stats.repository';
import { WorkerRunner } from './worker-runner';

/** Queues, ranking stats, resets, schedules and maintenance (shared by api and worker). */
@Module({
  imports: [LeaderboardModule, DiscoveryModule],
  providers: [
    JobQueues,
    JobHandlerRegistry,
    RankingTrigger,
    StatsRepository,
    RankingService,
    ResetsRepository,
    ResetsService,
    SchedulesService,
  ],
  exports: [
    JobQueues,
    RankingTrigger,
    RankingService,
    ResetsService,
    JobHandlerRegistry,
    SchedulesService,
  ],
})
export class RankingJobsModule {}

/** What only worker processes run: the BullMQ workers. */
@Module({
  imports: [RankingJobsModule],
  providers: [WorkerRunner],
})
export class WorkerModule {}
