import { Injectable, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { EventBus } from '../../events/event-bus';
import { boardNotFound } from '../../leaderboard/board';
import { BoardsRepository } from '../../leaderboard/boards.repository';
import { LayoutMigration } from '../../leaderboard/layout-migration';
import { fireTimeFor } from '../../leaderboard/schedule';
import { HandlesJob } from '../queue/job-handlers';
import { JobQueues } from '../queue/job-queues';
import type { PruneJob, ResetJob, ScheduledResetJob } from '../queue/queue-names';
import { StorageLayoutPendingError } from '../../valkey/lua-script';
import { ResetOutcome, ResetsRepository } from './resets.repository';
import { LeagueSettlement } from './league-settlement';
import { ResultsService } from '../results/results.service';

/**
 * Period rollover. A reset is idempotent per (board, period): manual resets name the period
 * they close, scheduled ones the fire time whose period they close, so retries, a second
 * worker, a worker killed mid-reset or a scheduler firing twice all end in exactly one reset.
 */
@Injectable()
export class ResetsService {
  private readonly logger = new Logger(ResetsService.name);
  constructor(
    private readonly repo: ResetsRepository,
    private readonly boards: BoardsRepository,
    private readonly queues: JobQueues,
    private readonly events: EventBus,
    private readonly layout: LayoutMigration,
    private readonly leagues: LeagueSettlement,
    private readonly results: ResultsService,
  ) {}

  /**
   * The reset script, on a board converted to the current storage layout: one that is not yet
   * (only just after an upgrade) is converted here first, rather than failing the job until
   * the startup pass reaches it, which could take a scheduled reset past its retries.
   */
  private async reset(...args: Parameters<ResetsRepository['reset']>): Promise<ResetOutcome> {
    try {
      return await this.repo.reset(...args);
    } catch (err) {
      if (!(err instanceof StorageLayoutPendingError)) throw err;
      await this.layout.migrateBoard(args[0]);
      return this.repo.reset(...args);
    }
  }

  /** Admin reset: enqueues the reset of the current period; 404 for unknown boards. */
  async request(boardId: string): Promise<{ jobId: string; periodId: string }> {
    const board = await this.boards.get(boardId);
    if (!board) throw boardNotFound(boardId);
    return {
      jobId: await this.queues.reset(boardId, board.createdAt, board.periodId),
      periodId: board.periodId,
    };
  }

  private async after(boardId: string, outcome: ResetOutcome): Promise<void> {
    if (outcome.status !== 'reset') return;
    this.logger.log(
      `Reset ${boardId}: archived period ${outcome.archivedPeriodId}, opened ${outcome.periodId}`,
    );
    // The reset is committed: a retry of this job would find it done and skip all of this,
    // so nothing here may fail the job. The sweep catches up on a lost prune, recompute or
    // results job (the reset recorded the period as pending results).
    try {
      await this.events.emit('period.reset', {
        boardId,
        archivedPeriodId: outcome.archivedPeriodId,
        periodId: outcome.periodId,
        endedAt: outcome.endedAt,
      });
    } catch (err) {
      this.logger.warn(`Reset listener failed for ${boardId}: ${(err as Error).message}`);
    }
    const follow = await Promise.allSettled([
      this.results.catchUp(boardId),
      this.queues.prune(boardId),
      this.queues.recompute(boardId),
    ]);
    for (const r of follow) {
      if (r.status === 'rejected') {
        this.logger.warn(
          `Follow-up after the reset of ${boardId} not queued (the sweep will): ${String(r.reason)}`,
        );
      }
    }
  }

  @HandlesJob('resets', 'reset')
  async onManualReset(job: Job<ResetJob>): Promise<ResetOutcome> {
    const { boardId, periodId, generation } = job.data;
    const outcome = await this.reset(boardId, periodId, null, generation);
    // Deleted, or deleted and created again (another generation): not this job's board.
    if (outcome.status === 'board-not-found') throw new UnrecoverableError('board was deleted');
    await this.after(boardId, outcome);
    // Every attempt, so a retry finishes the movements of a close a killed worker began.
    await this.leagues.settle(boardId);
    return outcome;
  }

  @HandlesJob('resets', 'scheduled-reset')
  async onScheduledReset(job: Job<ScheduledResetJob>): Promise<ResetOutcome | null> {
    const { boardId } = job.data;
    for (let attempt = 0; attempt < 5; attempt++) {
      const board = await this.boards.get(boardId);
      if (!board || !board.resetSchedule) return null; // deleted or unscheduled meanwhile
      const { resetSchedule: schedule, timezone } = board;
      const fireAt = fireTimeFor(schedule, timezone, Date.now(), job.opts?.prevMillis);
      const outcome = await this.reset(boardId, board.periodId, {
        fireAt,
        schedule,
        timezone,
      });
      // A manual reset or a schedule change raced us: look again.
      if (outcome.status === 'stale') continue;
      await this.after(boardId, outcome);
      await this.leagues.settle(boardId);
      return outcome;
    }
    throw new Error(`could not settle the scheduled reset of ${boardId}`);
  }

  /**
   * Closes the board's current period at its tournament's `endsAt`, like a scheduled reset whose
   * fire time is endsAt (same script, same follow-ups), so exactly once whichever worker, retry
   * or duplicate job gets there; the schedule's own fires from endsAt on do nothing. Null when
   * the board is gone, created again, or its endsAt moved (the new instant has its own job).
   */
  async closeAtTournamentEnd(
    boardId: string,
    generation: number,
    endsAt: number,
  ): Promise<ResetOutcome | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const board = await this.boards.get(boardId);
      if (!board || board.createdAt !== generation || board.endsAt !== endsAt) return null;
      const { resetSchedule, timezone } = board;
      const outcome = await this.reset(
        boardId,
        board.periodId,
        { fireAt: endsAt, schedule: resetSchedule ?? '', timezone, tournamentEnd: true },
        generation,
      );
      // A reset or a PATCH raced us: look again.
      if (outcome.status === 'stale') continue;
      await this.after(boardId, outcome);
      // Like every close: a tournament board with leagues settles its movements now.
      await this.leagues.settle(boardId);
      return outcome;
    }
    throw new Error(`could not settle the tournament end of ${boardId}`);
  }

  @HandlesJob('maintenance', 'prune')
  async onPrune(job: Job<PruneJob>): Promise<{ dropped: string[] }> {
    const board = await this.boards.get(job.data.boardId);
    if (!board) return { dropped: [] };
    const dropped: string[] = [];
    for (;;) {
      const id = await this.repo.pruneOne(board.id, board.retainPeriods);
      if (!id) await this.leagues.dropStale(board.id); // the pruned periods' cohorts
      if (!id) return { dropped };
      dropped.push(id);
    }
  }
}
