import { Injectable } from '@nestjs/common';
import type { Board } from './board';

export type BoardEvent = { kind: 'saved'; board: Board } | { kind: 'deleted'; boardId: string };
type Listener = (event: BoardEvent) => Promise<void>;

/**
 * Lets other features react to board changes (reset schedules follow the board) without the
 * leaderboard feature depending on them. Listeners are awaited: a failure fails the request.
 */
@Injectable()
export class BoardEvents {
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  async emit(event: BoardEvent): Promise<void> {
    for (const listener of this.listeners) await listener(event);
  }
}
