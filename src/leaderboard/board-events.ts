import { Injectable } from '@nestjs/common';
import { Listeners } from '../common/listeners';
import type { Board } from './board';

export type BoardEvent = { kind: 'saved'; board: Board } | { kind: 'deleted'; boardId: string };

/**
 * Lets other features react to board changes (reset schedules follow the board) without the
 * leaderboard feature depending on them. Listeners are awaited: a failure fails the request.
 */
@Injectable()
export class BoardEvents extends Listeners<BoardEvent> {}
