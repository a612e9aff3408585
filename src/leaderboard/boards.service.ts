import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { badRequest, conflict, ProblemException } from '../common/problem';
import {
  Board,
  defaultSettings,
  FIRST_PERIOD_ID,
  GLOBAL_BOARD_ID,
  MutableSettings,
  BoardSettings,
  boardNotFound,
  checkCohortSettings,
  rewardsProblem,
} from './board';
import type { DomainEvents } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { AppConfig } from '../config/app-config';
import { BoardsRepository } from './boards.repository';
import { HiddenPlayersService } from './hidden-players.service';
import { NextRunCache } from './schedule';
import {
  checkTournament,
  periodEndsAt,
  startsBeforeEnds,
  tournamentEnded,
  tournamentOver,
} from './tournament';

const savedEvent = (board: Board): DomainEvents['board.saved'] => ({
  boardId: board.id,
  generation: board.createdAt,
  resetSchedule: board.resetSchedule,
  timezone: board.timezone,
});

export interface BoardView {
  board: Board;
  memberCount: number;
  nextResetAt: Date | null;
}

export interface BoardListPage {
  boards: BoardView[];
  /** Boards registered in all. */
  total: number;
  /** The offset of the next page, or null on the last one. */
  nextOffset: number | null;
}

/** Board lifecycle rules: defaults, bounds, immutability, the always-present `global` board. */
@Injectable()
export class BoardsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BoardsService.name);
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly nextRuns: NextRunCache;

  constructor(
    private readonly repo: BoardsRepository,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly hidden: HiddenPlayersService,
  ) {
    this.nextRuns = new NextRunCache(config.maxBoards);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureGlobal();
  }

  onApplicationShutdown(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /**
   * Creates `global` if missing (never refused by the cap) and folds a registry left by an older
   * version into the current one; retries in the background while Valkey is unreachable.
   */
  private async ensureGlobal(): Promise<void> {
    try {
      const folded = await this.repo.foldLegacyRegistry();
      if (folded > 0) this.logger.log(`Moved ${folded} board ids into the sorted board registry`);
      await this.repo.create(this.newBoard(GLOBAL_BOARD_ID, {}));
    } catch (err) {
      this.logger.warn(`Could not ensure the global board yet: ${(err as Error).message}`);
      this.retryTimer = setTimeout(() => void this.ensureGlobal(), 1000);
      this.retryTimer.unref();
    }
  }

  private newBoard(id: string, input: Partial<BoardSettings>): Board {
    const settings: BoardSettings = { ...defaultSettings(id) };
    for (const [k, v] of Object.entries(input)) {
      if (v !== undefined) (settings as unknown as Record<string, unknown>)[k] = v;
    }
    const now = Date.now();
    return { id, ...settings, createdAt: now, periodId: FIRST_PERIOD_ID, periodStartedAt: now };
  }

  /** The 400 for settings that contradict each other (boards files check them before applying). */
  checkBounds(
    s: Pick<BoardSettings, 'minScore' | 'maxScore' | 'rewards' | 'resultsTop'> &
      Partial<Pick<BoardSettings, 'cohortSize' | 'leagues' | 'demoteInactive'>>,
  ): void {
    if (s.minScore > s.maxScore) throw badRequest('minScore', 'must not be greater than maxScore');
    checkCohortSettings(s);
    const rewards = rewardsProblem(s.rewards, s.resultsTop);
    if (rewards) throw badRequest(rewards.path, rewards.message);
  }

  private view(board: Board, memberCount: number): BoardView {
    return {
      board,
      memberCount,
      nextResetAt: periodEndsAt(
        board,
        this.nextRuns.nextRunAt(board.resetSchedule, board.timezone, new Date()),
      ),
    };
  }

  async create(id: string, input: Partial<BoardSettings>): Promise<BoardView> {
    const board = this.newBoard(id, input);
    this.checkBounds(board);
    checkTournament(board, input, board.createdAt);
    const max = this.config.maxBoards;
    if (!(await this.repo.admit(id, max))) {
      throw new ProblemException(
        409,
        'board-limit',
        `There are ${max} leaderboards already, the most this server allows (MAX_BOARDS); delete one first.`,
      );
    }
    // Hidden players: known to the board before it exists, caught up once it does.
    await this.hidden.seedNewBoard(id);
    if (!(await this.repo.create(board))) throw conflict(`Leaderboard "${id}" already exists.`);
    await this.hidden.syncBoard(id);
    await this.events.emit('board.saved', savedEvent(board));
    await this.events.emit('board.created', { boardId: id, generation: board.createdAt });
    return this.view(board, 0);
  }

  /** A page of boards in id order; next fire times are computed for that page only. */
  async list(offset: number, limit: number): Promise<BoardListPage> {
    const { rows, total } = await this.repo.page(offset, limit);
    return {
      boards: rows.map((r) => this.view(r.board, r.memberCount)),
      total,
      nextOffset: offset + limit < total ? offset + limit : null,
    };
  }

  /** The board or a 404. */
  async require(id: string): Promise<Board> {
    const board = await this.repo.get(id);
    if (!board) throw boardNotFound(id);
    return board;
  }

  async get(id: string): Promise<BoardView> {
    const [board, memberCount] = await Promise.all([this.require(id), this.repo.memberCount(id)]);
    return this.view(board, memberCount);
  }

  async update(id: string, changes: Partial<MutableSettings>): Promise<BoardView> {
    const board = await this.require(id);
    const merged: Board = { ...board };
    for (const [k, v] of Object.entries(changes)) {
      if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
    }
    this.checkBounds(merged);
    const instantsMoved = changes.startsAt !== undefined || changes.endsAt !== undefined;
    if (instantsMoved && tournamentEnded(board, Date.now())) throw tournamentOver(id);
    checkTournament(merged, changes, Date.now());
    const outcome = await this.repo.update(id, changes);
    if (outcome === 'not-found') throw boardNotFound(id);
    if (outcome === 'bounds') throw badRequest('minScore', 'must not be greater than maxScore');
    if (outcome === 'ended') throw tournamentOver(id);
    if (outcome === 'instants') throw badRequest('endsAt', startsBeforeEnds);
    if (changes.resetSchedule !== undefined || changes.timezone !== undefined || instantsMoved) {
      await this.events.emit('board.saved', savedEvent(merged));
    }
    return this.view(merged, await this.repo.memberCount(id));
  }

  async delete(id: string): Promise<void> {
    if (id === GLOBAL_BOARD_ID) {
      throw new ProblemException(409, 'conflict', 'The global leaderboard cannot be deleted.');
    }
    if (!(await this.repo.delete(id))) throw boardNotFound(id);
    await this.events.emit('board.deleted', { boardId: id });
  }
}
