import { Injectable, Logger } from '@nestjs/common';
import { badRequest, conflict, ProblemException } from '../common/problem';
import { EventBus } from '../events/event-bus';
import { BoardsRepository } from './boards.repository';
import { HiddenRecord, HiddenPlayersRepository } from './hidden-players.repository';

/** A player's hidden flag as the admin routes show it. */
export interface HiddenStatus {
  playerId: string;
  hidden: boolean;
  hiddenAt?: number;
  reason?: string;
}

/** Boards visited at once by a pass (one script each, pipelined). */
const BOARDS_AT_ONCE = 64;
/** Players per hide-players.lua call when a board catches up with the registry. */
const PLAYERS_PER_CALL = 100;
/** Players per seed-hidden.lua call. */
const SEED_CHUNK = 1000;
/** Passes before giving up on a flag that keeps changing under the pass (conflicting admins). */
const MAX_PASSES = 8;

const statusOf = (playerId: string, r: HiddenRecord | null): HiddenStatus =>
  r
    ? { playerId, hidden: true, hiddenAt: r.hiddenAt, ...(r.reason ? { reason: r.reason } : {}) }
    : { playerId, hidden: false };

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function conflicting(): ProblemException {
  return conflict(
    'The hidden flag kept changing while it was being applied to every board (other requests change it); retry.',
  );
}

/**
 * Hidden players (shadow-ban). The registry holds the truth; every board holds a copy of it,
 * applied by one atomic script per board, so a board's scripts never leave its slot. A pass over
 * the boards is repeated until the player's flag did not change while it ran: whatever the order
 * in which concurrent requests visit the boards, the last pass each one makes applies the flag's
 * final value. A board being created is seeded before it exists and caught up once it does.
 */
@Injectable()
export class HiddenPlayersService {
  private readonly logger = new Logger(HiddenPlayersService.name);

  constructor(
    private readonly repo: HiddenPlayersRepository,
    private readonly boards: BoardsRepository,
    private readonly events: EventBus,
  ) {}

  async status(playerId: string): Promise<HiddenStatus> {
    return statusOf(playerId, await this.repo.get(playerId));
  }

  /** Hides or shows the player on every board; returns their status. */
  async setHidden(playerId: string, hidden: boolean, reason?: string): Promise<HiddenStatus> {
    if (!hidden && reason !== undefined) {
      throw badRequest('reason', 'only applies when hiding the player (hidden: true)');
    }
    const { record } = await this.repo.record(playerId, hidden, reason ?? '');
    const moved = await this.converge(playerId);
    const boards = [...moved.keys()].sort();
    for (const boardId of boards) {
      if (moved.get(boardId)) await this.events.emit('scores.changed', { boardId });
    }
    this.logger.log({ playerId, hidden, reason, boards: boards.length }, 'hidden flag set');
    if (hidden) {
      await this.events.emit('player.hidden', {
        playerId,
        boards,
        ...(reason ? { reason } : {}),
      });
    } else {
      await this.events.emit('player.unhidden', { playerId, boards });
    }
    return statusOf(playerId, record);
  }

  /**
   * Applies the registry's flag to every board until it held still for a whole pass. Returns the
   * boards where an entry moved, each with whether its current period changed.
   */
  private async converge(playerId: string): Promise<Map<string, boolean>> {
    const moved = new Map<string, boolean>();
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const before = await this.repo.state(playerId);
      for (const ids of chunks(await this.boards.ids(), BOARDS_AT_ONCE)) {
        await Promise.all(
          ids.map(async (boardId) => {
            const r = await this.repo.applyToBoard(boardId, before.hidden, [playerId]);
            if (r && r.current + r.archived > 0) {
              moved.set(boardId, (moved.get(boardId) ?? false) || r.current > 0);
            }
          }),
        );
      }
      if ((await this.repo.state(playerId)).change === before.change) return moved;
    }
    throw conflicting();
  }

  /**
   * Before a board is created: its hidden set starts as the registry, so its first submissions
   * already know the hidden players. Does nothing to a board that exists.
   */
  async seedNewBoard(boardId: string): Promise<void> {
    const ids = await this.repo.hiddenIds();
    const parts = ids.length ? chunks(ids, SEED_CHUNK) : [[]];
    for (let i = 0; i < parts.length; i++) {
      if (!(await this.repo.seed(boardId, parts[i], i === 0))) return;
    }
  }

  /**
   * After a board was created: catches its hidden set up with the registry (a player hidden or
   * shown while it was being created), until the registry held still for a whole pass.
   */
  async syncBoard(boardId: string): Promise<void> {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const changes = await this.repo.changes();
      const registry = new Set(await this.repo.hiddenIds());
      const marked = new Set(await this.repo.marked(boardId));
      const hide = [...registry].filter((id) => !marked.has(id));
      const show = [...marked].filter((id) => !registry.has(id));
      let current = 0;
      for (const [hidden, ids] of [
        [true, hide],
        [false, show],
      ] as const) {
        for (const part of chunks(ids, PLAYERS_PER_CALL)) {
          const r = await this.repo.applyToBoard(boardId, hidden, part);
          if (!r) return; // deleted meanwhile
          current += r.current;
        }
      }
      if (current > 0) await this.events.emit('scores.changed', { boardId });
      if ((await this.repo.changes()) === changes) return;
    }
    throw conflicting();
  }
}
