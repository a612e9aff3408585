import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { EventBus } from '../../events/event-bus';
import type { DomainEvents } from '../../events/domain-events';
import { BoardsRepository } from '../../leaderboard/boards.repository';
import { StatsRepository } from '../stats/stats.repository';
import { HandlesJob } from '../queue/job-handlers';
import { JobQueues } from '../queue/job-queues';
import { ResetsRepository } from './resets.repository';
import { TournamentJobs } from './tournament-jobs';
import { ResultsService } from '../results/results.service';

export const SWEEP_EVERY_MS = 60_000;

/**
 * Keeps one BullMQ job scheduler per board with a reset schedule, following the board's
 * create/PATCH/DELETE, and re-asserts them all at worker boot and on every sweep.
 */
@Injectable()
export class SchedulesService implements OnModuleInit {
  private readonly logger = new Logger(SchedulesService.name);

  constructor(
    private readonly events: EventBus,
    private readonly boards: BoardsRepository,
    private readonly queues: JobQueues,
    private readonly stats: StatsRepository,
    private readonly resets: ResetsRepository,
    private readonly tournaments: TournamentJobs,
    private readonly results: ResultsService,
  ) {}

  onModuleInit(): void {
    this.events.on('board.saved', (e) => this.follow(e));
    this.events.on('board.deleted', (e) => this.queues.removeSchedule(e.boardId));
  }

  private async follow(board: Omit<DomainEvents['board.saved'], 'generation'>): Promise<void> {
    if (board.resetSchedule) {
      await this.queues.upsertSchedule(board.boardId, board.resetSchedule, board.timezone);
    } else {
      await this.queues.removeSchedule(board.boardId);
    }
  }

  /** Makes the schedulers match the boards exactly; returns how many are active. */
  async assertAll(): Promise<number> {
    const scheduled = new Set<string>();
    // Ids an older version (rolling upgrade) registered the old way join the registry first.
    await this.boards.foldLegacyRegistry();
    for (const id of await this.boards.ids()) {
      // Read each board just before asserting its schedule, so a PATCH or DELETE that lands
      // during a long sweep is not undone by a stale copy.
      const board = await this.boards.get(id);
      if (!board) continue;
      await this.follow({
        boardId: board.id,
        resetSchedule: board.resetSchedule,
        timezone: board.timezone,
      });
      if (board.resetSchedule) scheduled.add(board.id);
      await this.tournaments.arm(board);
    }
    for (const orphan of await this.queues.scheduledBoards()) {
      if (scheduled.has(orphan)) continue;
      // Only drop a scheduler whose board (re-read now) really has no schedule.
      const board = await this.boards.get(orphan);
      if (!board?.resetSchedule) await this.queues.removeSchedule(orphan);
    }
    await this.queues.queues.maintenance.upsertJobScheduler(
      'sweep',
      { every: SWEEP_EVERY_MS },
      { name: 'sweep', data: {} },
    );
    return scheduled.size;
  }

  /**
   * The safety net: schedulers re-asserted, stats recomputed where they are behind the board
   * (a change signal lost with a crashed api process), archives beyond retention dropped,
   * closed periods' results written.
   */
  @HandlesJob('maintenance', 'sweep')
  async onSweep(_job: Job): Promise<{ boards: number; recomputed: number; pruned: number }> {
    await this.assertAll();
    let recomputed = 0;
    let pruned = 0;
    for (const { board } of await this.boards.list()) {
      const [stats, sequence, total, archived] = await Promise.all([
        this.stats.load(board.id),
        this.boards.sequence(board.id),
        this.boards.memberCount(board.id),
        this.resets.archivedCount(board.id),
      ]);
      const behind =
        !stats ||
        stats.periodId !== board.periodId ||
        stats.sequence !== sequence ||
        stats.total !== total;
      if (behind) {
        await this.queues.recompute(board.id);
        recomputed++;
      }
      if (archived > board.retainPeriods) {
        await this.queues.prune(board.id);
        pruned++;
      }
      // Closed periods whose results job was lost (a worker died right after the reset).
      await this.results.catchUp(board.id);
    }
    this.logger.debug(`Sweep: ${recomputed} boards to recompute, ${pruned} to prune`);
    return { boards: (await this.boards.ids()).length, recomputed, pruned };
  }
}
