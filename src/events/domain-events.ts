/**
 * Every domain event one feature announces and others may hear, with its payload. A feature
 * that must react to another's change subscribes here instead of importing the other's
 * service. Payloads are plain data (ids, periods, counts), so this file depends on no feature.
 */
/** One entry of a closed period's results (ranks in the board's rank mode). */
export interface PeriodResultEntry {
  rank: number;
  playerId: string;
  score: number;
  /** On a board with tie-break columns. */
  subscores?: number[];
  displayName?: string;
  metadata?: Record<string, unknown>;
  /** The reward of the range the entry's rank falls in (ties: the better range); absent if none. */
  reward?: unknown;
}

/** A closed period's results, as stored once by the results job. */
export interface PeriodResults {
  leaderboardId: string;
  periodId: string;
  startedAt: number;
  closedAt: number;
  /** Members of the period when it closed (entries holds at most `resultsTop` of them). */
  total: number;
  entries: PeriodResultEntry[];
}

export interface DomainEvents {
  /** A board was created, or a PATCH changed its reset schedule or time zone. */
  'board.saved': {
    boardId: string;
    /** The board's creation time: tells a board from a predecessor with the same id. */
    generation: number;
    resetSchedule: string | null;
    timezone: string;
  };
  /** A board was created (after `board.saved`, which creation announces too). */
  'board.created': { boardId: string; generation: number };
  /** A board and every period of it were deleted (its own keys are gone already). */
  'board.deleted': { boardId: string };
  /** Scores of the board's current period changed (submit, batch, removal, purge, erase). */
  'scores.changed': { boardId: string };
  /** The stats job stored fresh stats for the board's current period. */
  'stats.computed': { boardId: string; periodId: string; total: number };
  /** A reset archived `archivedPeriodId` and opened `periodId`. */
  'period.reset': { boardId: string; archivedPeriodId: string; periodId: string; endedAt: number };
  /**
   * A tournament's startsAt passed (heard in the worker that ran its delayed job): `periodId`
   * was current then. Emitted once per board generation and startsAt, barring a worker crash
   * between the job's start and its end (then again by the retry).
   */
  'tournament.started': { boardId: string; generation: number; startsAt: number; periodId: string };
  /**
   * A tournament ended: the close at `endsAt` archived its last period `periodId` (the final
   * standings); `period.reset` was emitted for the same close just before.
   */
  'tournament.ended': { boardId: string; generation: number; endsAt: number; periodId: string };
  /**
   * A player was hidden (shadow-banned) on every board: others no longer see them. `boards`: the
   * boards where an entry of theirs (current or archived period) moved out of sight.
   */
  'player.hidden': { playerId: string; reason?: string; boards: string[] };
  /** A hidden player is visible again on every board; `boards`: where an entry moved back. */
  'player.unhidden': { playerId: string; boards: string[] };
  /**
   * The promotions and demotions of a closed period were applied (once per period, by the reset
   * job); `GET /v1/leaderboards/{id}/periods/{periodId}/movements` lists who moved where.
   */
  /** generation: the board's createdAt (tells a board from a deleted one of the same id) */
  'league.moved': { boardId: string; generation: number; periodId: string; moved: number };
  /**
   * A closed period's results are stored (once per period; the announcement itself may repeat
   * after a crash, so listeners must be idempotent per board, generation and period).
   */
  'period.closed': { boardId: string; generation: number; results: PeriodResults };
  /** A player was erased from every board (`removedFrom`: the periods that held them). */
  'player.erased': { playerId: string; removedFrom: { boardId: string; periodId: string }[] };
}

export type DomainEventName = keyof DomainEvents;
