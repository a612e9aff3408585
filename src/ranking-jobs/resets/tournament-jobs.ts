import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { EventBus } from '../../events/event-bus';
import type { Board } from '../../leaderboard/board';
import { BoardsRepository } from '../../leaderboard/boards.repository';
import { HandlesJob } from '../queue/job-handlers';
import { JobQueues } from '../queue/job-queues';
import { TournamentJob, tournamentJobId } from '../queue/queue-names';
import { ResetOutcome } from './resets.repository';
import { ResetsService } from './resets.service';

/**
 * A tournament's two instants as delayed jobs on the resets queue: at `startsAt` the worker
 * announces `tournament.started`; at `endsAt` it closes the current period through the reset
 * path (ResetsService.closeAtTournamentEnd) and announces `tournament.ended`. Armed when a board
 * is saved, and again by the sweep and at worker boot (SchedulesService.assertAll), so a lost
 * enqueue is caught up within a minute; the job ids carry board, generation and instant, so
 * arming again is a no-op and a moved instant gets a job of its own (the old one finds its
 * instant gone and does nothing).
 */
@Injectable()
export class TournamentJobs implements OnModuleInit {
  private readonly logger = new Logger(TournamentJobs.name);

  constructor(
    private readonly events: EventBus,
    private readonly boards: BoardsRepository,
    private readonly queues: JobQueues,
    private readonly resets: ResetsService,
  ) {}

  onModuleInit(): void {
    this.events.on('board.saved', async (e) => {
      const board = await this.boards.get(e.boardId);
      if (board) await this.arm(board);
    });
  }

  /**
   * Arms the board's start job while startsAt lies ahead, and its close job until the close has
   * happened (the current period starts at or after endsAt), however late that is.
   */
  async arm(board: Board, now = Date.now()): Promise<void> {
    if (board.startsAt !== null && board.startsAt > now) {
      await this.add('start', board, board.startsAt, now);
    }
    if (board.endsAt !== null && board.periodStartedAt < board.endsAt) {
      await this.add('end', board, board.endsAt, now);
    }
  }

  private async add(edge: 'start' | 'end', board: Board, at: number, now: number): Promise<void> {
    const data: TournamentJob = { boardId: board.id, generation: board.createdAt, at };
    const jobId = tournamentJobId(edge, board.id, board.createdAt, at);
    const opts = { jobId, delay: Math.max(0, at - now) };
    const name = `tournament-${edge}` as const;
    const queue = this.queues.queues.resets;
    const job = await queue.add(name, data, opts);
    // One that failed for good (kept for inspection) is replaced, so arming again retries it.
    if (await job.isFailed()) {
      await job.remove();
      await queue.add(name, data, opts);
    }
  }

  @HandlesJob('resets', 'tournament-start')
  async onStart(job: Job<TournamentJob>): Promise<{ started: boolean }> {
    const { boardId, generation, at } = job.data;
    const board = await this.boards.get(boardId);
    if (!board || board.createdAt !== generation || board.startsAt !== at)
      return { started: false };
    await this.events.emit('tournament.started', {
      boardId,
      generation,
      startsAt: at,
      periodId: board.periodId,
    });
    return { started: true };
  }

  @HandlesJob('resets', 'tournament-end')
  async onEnd(job: Job<TournamentJob>): Promise<ResetOutcome | null> {
    const { boardId, generation, at } = job.data;
    const outcome = await this.resets.closeAtTournamentEnd(boardId, generation, at);
    if (outcome?.status !== 'reset') return outcome;
    this.logger.log(`Tournament on ${boardId} ended: period ${outcome.archivedPeriodId} closed`);
    try {
      await this.events.emit('tournament.ended', {
        boardId,
        generation,
        endsAt: at,
        periodId: outcome.archivedPeriodId,
      });
    } catch (err) {
      // The close is committed; a retry would find it done, so a listener must not fail it.
      this.logger.warn(
        `tournament.ended listener failed for ${boardId}: ${(err as Error).message}`,
      );
    }
    return outcome;
  }
}
