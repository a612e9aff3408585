import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { EventBus } from '../events/event-bus';
import { DiscoveryModule } from '@nestjs/core';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { QueueDashboard } from './queue/dashboard';
import { JobHandlerRegistry } from './queue/job-handlers';
import { JobQueues } from './queue/job-queues';
import { WorkerRunner } from './queue/worker-runner';
import { ResetsController } from './resets/resets.controller';
import { ResetsRepository } from './resets/resets.repository';
import { ResetsService } from './resets/resets.service';
import { LeagueSettlement } from './resets/league-settlement';
import { LeaguesRepository } from './resets/leagues.repository';
import { SchedulesAtBoot } from './resets/schedules-at-boot';
import { SchedulesService } from './resets/schedules.service';
import { TournamentJobs } from './resets/tournament-jobs';
import { StatsController } from './stats/stats.controller';
import { StatsRepository } from './stats/stats.repository';
import { StatsService } from './stats/stats.service';
import { StatsTrigger } from './stats/stats-trigger';
import { ResultsController } from './results/results.controller';
import { ResultsRepository } from './results/results.repository';
import { ResultsService } from './results/results.service';

/** Queue infrastructure: the producer side of every queue and the job-handler registry. */
@Module({
  imports: [DiscoveryModule],
  providers: [JobQueues, JobHandlerRegistry],
  exports: [JobQueues, JobHandlerRegistry],
})
export class QueueModule {}

/** Stats: the recompute job and its trigger (hears `scores.changed`); drops a deleted board's stats. */
@Module({
  imports: [QueueModule, LeaderboardModule],
  providers: [StatsRepository, StatsService, StatsTrigger],
  exports: [StatsRepository, StatsService],
})
export class StatsModule implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly stats: StatsRepository,
  ) {}

  onModuleInit(): void {
    this.events.on('board.deleted', (e) => this.stats.drop(e.boardId));
  }
}

/** Closed periods' results and rewards (the `results` job); drops its keys of a deleted board. */
@Module({
  imports: [QueueModule, LeaderboardModule],
  providers: [ResultsRepository, ResultsService],
  exports: [ResultsService],
})
export class ResultsModule {}

/** Resets, schedules, pruning and the sweep; `POST /reset`. */
@Module({
  imports: [QueueModule, LeaderboardModule, StatsModule, ResultsModule],
  providers: [
    ResetsRepository,
    ResetsService,
    SchedulesService,
    TournamentJobs,
    LeaguesRepository,
    LeagueSettlement,
  ],
  exports: [SchedulesService, ResetsService, LeagueSettlement],
})
export class ResetsModule implements OnModuleInit {
  private readonly logger = new Logger(ResetsModule.name);
  constructor(
    private readonly events: EventBus,
    private readonly leagues: LeagueSettlement,
  ) {}

  onModuleInit(): void {
    // A deleted board's cohorts and leagues (should this fail, a board created again under the
    // id drops them at its first prune).
    this.events.on('board.deleted', (e) =>
      this.leagues.dropStale(e.boardId).catch((err: Error) => {
        this.logger.warn(`Cohort keys of ${e.boardId} not dropped yet: ${err.message}`);
      }),
    );
  }
}

/** The job families' providers, shared by api and worker processes (no controllers). */
@Module({
  imports: [QueueModule, StatsModule, ResultsModule, ResetsModule],
  exports: [QueueModule, StatsModule, ResultsModule, ResetsModule],
})
export class RankingJobsModule {}

/** API side: the job families' HTTP routes and the queue dashboard. */
@Module({
  imports: [RankingJobsModule],
  controllers: [StatsController, ResetsController, ResultsController],
  providers: [QueueDashboard],
})
export class RankingJobsApiModule {}

/** What only worker processes run: the BullMQ workers and the schedulers' assertion at boot. */
@Module({
  imports: [RankingJobsModule],
  providers: [WorkerRunner, SchedulesAtBoot],
})
export class WorkerModule {}
