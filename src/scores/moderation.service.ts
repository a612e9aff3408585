import { Injectable } from '@nestjs/common';
import { badRequest, notFound } from '../common/problem';
import { EventBus } from '../events/event-bus';
import { boardNotFound } from '../leaderboard/board';
import { BoardsRepository } from '../leaderboard/boards.repository';
import { EraseResultDto } from './dto/submit.dto';
import { ScoresRepository } from './scores.repository';

const PURGE_CHUNK = 500;

/** Moderation: removing a player, purging a score range, erasing a player everywhere. */
@Injectable()
export class ModerationService {
  constructor(
    private readonly repo: ScoresRepository,
    private readonly boards: BoardsRepository,
    private readonly events: EventBus,
  ) {}

  async removePlayer(boardId: string, playerId: string): Promise<void> {
    const r = await this.repo.remove(boardId, playerId);
    if (r === 'board-not-found') throw boardNotFound(boardId);
    if (r === 'absent') throw notFound(`Player "${playerId}" is not on leaderboard "${boardId}".`);
    await this.events.emit('scores.changed', { boardId });
  }

  /** Removes every current entry with minScore <= score <= maxScore, in bounded steps. */
  async purge(boardId: string, minScore: number, maxScore: number): Promise<number> {
    if (minScore > maxScore) throw badRequest('minScore', 'must not be greater than maxScore');
    let removed = 0;
    for (;;) {
      const n = await this.repo.purgeChunk(boardId, minScore, maxScore, PURGE_CHUNK);
      if (n < 0) throw boardNotFound(boardId);
      removed += n;
      if (n < PURGE_CHUNK) {
        if (removed > 0) await this.events.emit('scores.changed', { boardId });
        return removed;
      }
    }
  }

  /** Erases a player from every board's current period and every archived period. */
  async erase(playerId: string): Promise<EraseResultDto> {
    const removedFrom: EraseResultDto['removedFrom'] = [];
    for (const { board } of await this.boards.list()) {
      const periods = await this.repo.eraseEverywhere(board.id, playerId);
      if (periods.length === 0) continue;
      await this.events.emit('scores.changed', { boardId: board.id });
      for (const periodId of periods) removedFrom.push({ leaderboardId: board.id, periodId });
    }
    // Other features' copies (closed periods' results) go too; webhooks announce it.
    await this.events.emit('player.erased', {
      playerId,
      removedFrom: removedFrom.map((r) => ({ boardId: r.leaderboardId, periodId: r.periodId })),
    });
    return { playerId, removedFrom };
  }
}
