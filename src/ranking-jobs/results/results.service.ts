import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { notFound } from '../../common/problem';
import type { PeriodResults } from '../../events/domain-events';
import { EventBus } from '../../events/event-bus';
import { Board, boardNotFound } from '../../leaderboard/board';
import { BoardsRepository } from '../../leaderboard/boards.repository';
import { PeriodsRepository } from '../../leaderboard/periods.repository';
import { RankedEntry, StandingsRepository } from '../../leaderboard/standings.repository';
import { HandlesJob } from '../queue/job-handlers';
import { JobQueues } from '../queue/job-queues';
import type { ResultsJob } from '../queue/queue-names';
import { PendingResults, ResultsRepository, StoredResultEntry } from './results.repository';
import { rewardIndexes, tied } from './rewards';

/** Most entries a rewarded tie at the `resultsTop` cut adds to the results. */
export const MAX_TIE_EXTENSION = 1000;
const TIE_PAGE = 200;

/**
 * A closed period's final results: its best `resultsTop` entries with their rewards, written
 * once per period by the `results` job and kept as long as the archived period.
 *
 * Exactly once: the reset script that closes a period records it as pending (with the rewards
 * of that moment) in the same atomic step. The job stores the results only if none are stored
 * (retries, a second worker, a worker killed mid-job all end with one set), then announces
 * `period.closed` from what is stored, then drops the pending entry. A crash anywhere leaves
 * the entry, and the next reset of the board or the minute sweep queues the job again.
 */
@Injectable()
export class ResultsService implements OnModuleInit {
  private readonly logger = new Logger(ResultsService.name);

  constructor(
    private readonly repo: ResultsRepository,
    private readonly boards: BoardsRepository,
    private readonly periods: PeriodsRepository,
    private readonly standings: StandingsRepository,
    private readonly queues: JobQueues,
    private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    this.events.on('board.deleted', (e) => this.repo.drop(e.boardId));
    // Erasure reaches stored results too; a failure fails the erasure, which may be retried.
    this.events.on('player.erased', async (e) => {
      for (const id of await this.boards.ids()) await this.repo.erasePlayer(id, e.playerId);
    });
  }

  /** Queues the results job of every period of the board still pending (the sweep's share). */
  async catchUp(boardId: string): Promise<number> {
    const pending = await this.repo.pending(boardId);
    for (const p of pending) await this.queues.results(boardId, p.generation, p.periodId);
    return pending.length;
  }

  /** The stored results of a closed period, or a 404 (unknown board, period, or not yet written). */
  async read(boardId: string, periodId: string): Promise<PeriodResults> {
    if (!(await this.boards.get(boardId))) throw boardNotFound(boardId);
    const stored = await this.load(boardId, periodId);
    if (!stored) {
      throw notFound(
        `Leaderboard "${boardId}" has no results for period "${periodId}": the period is not ` +
          'closed, its results are not written yet, or it was dropped.',
      );
    }
    return stored;
  }

  private async load(boardId: string, periodId: string): Promise<PeriodResults | null> {
    const stored = await this.repo.read(boardId, periodId);
    if (!stored) return null;
    const { header, entries } = stored;
    return {
      leaderboardId: header.leaderboardId,
      periodId: header.periodId,
      startedAt: header.startedAt,
      closedAt: header.closedAt,
      total: header.total,
      entries: entries.map(({ rank, playerId, score, subscores, displayName, metadata, r }) => ({
        rank,
        playerId,
        score,
        ...(subscores !== undefined ? { subscores } : {}),
        ...(displayName !== undefined ? { displayName } : {}),
        ...(metadata !== undefined ? { metadata } : {}),
        ...(r !== undefined ? { reward: header.rewards[r]?.reward } : {}),
      })),
    };
  }

  /**
   * The period's best entries with their rewards, read from the archive: `resultsTop` of them,
   * plus the rest of a tie at the cut whose players are paid a reward (they tie with a paid
   * player, so they are paid too), at most {@link MAX_TIE_EXTENSION} more.
   */
  private async compute(
    board: Board,
    pending: PendingResults,
  ): Promise<{ entries: StoredResultEntry[]; archived: number } | null> {
    const period = { archived: pending.periodId };
    const first = await this.standings.page(board.id, period, 0, pending.resultsTop);
    if (first.status !== 'ok') return null;
    const rows: RankedEntry[] = [...first.rows];
    let rewards = rewardIndexes(rows, pending.rewards);
    const last = rows.at(-1);
    if (last && rows.length === pending.resultsTop && rewards.at(-1) !== undefined) {
      for (let offset = rows.length; offset - pending.resultsTop < MAX_TIE_EXTENSION;) {
        const next = await this.standings.page(board.id, period, offset, TIE_PAGE);
        if (next.status !== 'ok') return null;
        const tie = next.rows.filter((r) => tied(r, last));
        rows.push(...tie.slice(0, pending.resultsTop + MAX_TIE_EXTENSION - rows.length));
        if (tie.length < next.rows.length || next.rows.length < TIE_PAGE) break;
        offset += TIE_PAGE;
      }
      rewards = rewardIndexes(rows, pending.rewards);
    }
    const entries = rows.map((e, i) => {
      const entry: StoredResultEntry = { i, rank: e.rank, playerId: e.playerId, score: e.score };
      if (e.subscores !== undefined) entry.subscores = e.subscores;
      if (e.displayName !== undefined) entry.displayName = e.displayName;
      if (e.metadata !== undefined) entry.metadata = e.metadata;
      if (rewards[i] !== undefined) entry.r = rewards[i];
      return entry;
    });
    return { entries, archived: first.header.total };
  }

  /** Stores the period's results unless stored already; false if they cannot be (gone). */
  private async store(board: Board, pending: PendingResults): Promise<boolean> {
    // An erasure between reading the archive and writing (write-results.lua sees the archive
    // shrink) makes the results be computed again from what is left.
    for (let attempt = 0; attempt < 5; attempt++) {
      const period = await this.periods.get(board.id, pending.periodId);
      if (!period) return false;
      const computed = await this.compute(board, pending);
      if (!computed) return false;
      const outcome = await this.repo.write(
        pending.generation,
        {
          leaderboardId: board.id,
          periodId: pending.periodId,
          startedAt: period.startedAt,
          closedAt: period.endedAt,
          total: period.total,
          rewards: pending.rewards,
        },
        computed.archived,
        computed.entries,
      );
      if (outcome === 'WRITTEN' || outcome === 'EXISTS') return true;
      if (outcome !== 'CHANGED') return false;
    }
    throw new Error(`the archive of ${board.id}/${pending.periodId} kept changing`);
  }

  @HandlesJob('resets', 'results')
  async onResults(job: Job<ResultsJob>): Promise<{ status: string }> {
    const { boardId, generation, periodId } = job.data;
    const pending = await this.repo.pendingOne(boardId, periodId);
    // Done before (a repeated job), or pending for another generation of the board id.
    if (!pending || pending.generation !== generation) return { status: 'done' };
    const board = await this.boards.get(boardId);
    const stored =
      board?.createdAt === generation &&
      ((await this.repo.read(boardId, periodId)) !== null || (await this.store(board, pending)));
    const results = stored ? await this.load(boardId, periodId) : null;
    if (results) {
      // Listeners (webhooks) are idempotent per board, generation and period: a crash after
      // this and before `finish` announces again, and the deliveries are not queued twice.
      await this.events.emit('period.closed', { boardId, generation, results });
    } else {
      this.logger.warn(`No results for ${boardId}/${periodId}: the board or period is gone`);
    }
    await this.repo.finish(boardId, periodId, generation);
    // The period may be beyond retention: pruning waited for its results.
    await this.queues.prune(boardId).catch(() => undefined);
    return { status: results ? 'written' : 'gone' };
  }
}
