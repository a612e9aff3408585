import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Board, boardNotFound } from '../../leaderboard/board';
import { BoardsRepository } from '../../leaderboard/boards.repository';
import { EventBus } from '../../events/event-bus';
import { HandlesJob } from '../queue/job-handlers';
import { JobQueues } from '../queue/job-queues';
import type { RecomputeJob } from '../queue/queue-names';
import {
  BoardStats,
  emptyTiers,
  HISTOGRAM_BUCKETS,
  histogramBuckets,
  PERCENTILES,
  percentileRank,
  tierCutoffRank,
} from './stats';
import { StatsRepository } from './stats.repository';

/** Stats as the API serves them: computed for the current period, or not yet. */
export type StatsReading =
  | { status: 'ready'; stats: BoardStats }
  | { status: 'pending'; leaderboardId: string; periodId: string; tiers: BoardStats['tiers'] };

const toScore = (board: Board, k: string | null): number | null => {
  if (k === null) return null;
  const v = Number(k);
  return board.sortOrder === 'desc' ? (v === 0 ? 0 : -v) : v;
};

const toK = (board: Board, score: number): string =>
  String(board.sortOrder === 'desc' ? (score === 0 ? 0 : -score) : score);

/**
 * Recomputes a board's stats. Every figure is a rank lookup or a range count, so the work is
 * O(B log N) in two Valkey calls however large the board is: a 1,000,000-member board costs
 * the same few dozen O(log N) lookups as a small one.
 */
@Injectable()
export class StatsService {
  private readonly logger = new Logger(StatsService.name);
  constructor(
    private readonly stats: StatsRepository,
    private readonly boards: BoardsRepository,
    private readonly queues: JobQueues,
    private readonly events: EventBus,
  ) {}

  async compute(boardId: string): Promise<BoardStats | null> {
    const board = await this.boards.get(boardId);
    return board ? this.statsOf(board) : null;
  }

  private async statsOf(board: Board): Promise<BoardStats | null> {
    const boardId = board.id;
    const ends = await this.stats.probe(boardId, [0, -1], []);
    if (!ends) return null;
    const base: BoardStats = {
      leaderboardId: boardId,
      periodId: ends.periodId,
      total: ends.total,
      minScore: null,
      maxScore: null,
      percentiles: { p50: null, p90: null, p99: null, p999: null },
      histogram: [],
      tiers: emptyTiers(board.tiers, !!board.tiebreakers?.length),
      sequence: ends.sequence,
      computedAt: new Date().toISOString(),
    };
    if (ends.total === 0) return base;
    const best = toScore(board, ends.ks[0])!;
    const worst = toScore(board, ends.ks[1])!;
    const min = Math.min(best, worst);
    const max = Math.max(best, worst);
    const total = ends.total;
    const pRanks = PERCENTILES.map(([, q]) => percentileRank(q, total));
    const tierRanks = board.tiers.map((t) => tierCutoffRank(t.topPercent, total));
    const buckets = histogramBuckets(min, max, HISTOGRAM_BUCKETS);
    const ranges = buckets.map(({ from, to }): [string, string] =>
      board.sortOrder === 'desc'
        ? [toK(board, to), toK(board, from)]
        : [toK(board, from), toK(board, to)],
    );
    const indices = [...pRanks, ...tierRanks.map((r) => r ?? 1)].map((r) => r - 1);
    const probe = await this.stats.probe(boardId, indices, ranges);
    if (!probe) return null;
    const at = (i: number) => toScore(board, probe.ks[i] ?? null);
    return {
      ...base,
      // Total and ends come from the first call; a write between the calls only moves
      // figures already known to be a snapshot.
      minScore: min,
      maxScore: max,
      percentiles: Object.fromEntries(
        PERCENTILES.map(([name], i) => [name, at(i)]),
      ) as BoardStats['percentiles'],
      histogram: buckets.map((b, i) => ({ ...b, count: probe.counts[i] })),
      tiers: board.tiers.map((t, i) => ({
        name: t.name,
        topPercent: t.topPercent,
        rank: tierRanks[i],
        score: tierRanks[i] === null ? null : at(PERCENTILES.length + i),
        ...(board.tiebreakers?.length
          ? {
              subscores:
                tierRanks[i] === null ? null : (probe.subscores?.[PERCENTILES.length + i] ?? null),
            }
          : {}),
      })),
    };
  }

  @HandlesJob('ranking', 'recompute')
  async onRecompute(job: Job<RecomputeJob>): Promise<{ total: number } | null> {
    const started = Date.now();
    const board = await this.boards.get(job.data.boardId);
    const stats = board && (await this.statsOf(board));
    // Board deleted (or deleted and re-created) meanwhile: nothing to store or announce.
    if (!stats || !(await this.stats.save(stats, board.createdAt))) return null;
    await this.events.emit('stats.computed', {
      boardId: stats.leaderboardId,
      periodId: stats.periodId,
      total: stats.total,
    });
    this.logger.debug(
      `Stats for ${stats.leaderboardId} (${stats.total} members) in ${Date.now() - started} ms`,
    );
    return { total: stats.total };
  }

  /**
   * Stats for the API: the stored ones of the current period (`ready`), or `pending` (nothing
   * computed for this period yet) after asking for them. The request is best-effort: a read must
   * not fail because the job could not be queued (Valkey full, say); the sweep catches up.
   */
  async read(boardId: string): Promise<StatsReading> {
    const [board, stored] = await Promise.all([this.boards.get(boardId), this.stats.load(boardId)]);
    if (!board) throw boardNotFound(boardId);
    if (stored && stored.periodId === board.periodId) return { status: 'ready', stats: stored };
    try {
      await this.queues.recompute(boardId);
    } catch (err) {
      this.logger.debug(
        `Stats of ${boardId} not queued (the sweep will): ${(err as Error).message}`,
      );
    }
    return {
      status: 'pending',
      leaderboardId: boardId,
      periodId: board.periodId,
      tiers: emptyTiers(board.tiers, !!board.tiebreakers?.length),
    };
  }
}
