/** Socket.IO namespace, room names and event payloads of the live API (SPEC §4). */
export const LIVE_NAMESPACE = '/live';

export const rooms = {
  /** everyone subscribed to the board: reset events */
  board: (boardId: string) => `board:${boardId}`,
  /** subscribers of the board's top N */
  top: (boardId: string, n: number) => `top:${boardId}:${n}`,
  /** watchers of one player on the board */
  player: (boardId: string, playerId: string) => `player:${boardId}:${playerId}`,
  /** watchers of one player's cohort (`subscribe {cohortOf}`) */
  cohort: (boardId: string, playerId: string) => `cohort:${boardId}:${playerId}`,
};

/** What `cohort.top` carries, and what a publish compares with the last one sent. */
export interface CohortList {
  periodId: string;
  cohortId: number;
  league?: string;
  entries: TopRow[];
}

export interface TopRow {
  rank: number;
  playerId: string;
  score: number;
  displayName?: string;
}

/** The fields of an entry that live top lists carry. */
export const toTopRow = (e: TopRow): TopRow => ({
  rank: e.rank,
  playerId: e.playerId,
  score: e.score,
  ...(e.displayName !== undefined ? { displayName: e.displayName } : {}),
});

export interface LiveSnapshot {
  periodId: string;
  total: number;
  top: TopRow[];
}

/** A watched player's last published standing; null when not on the board. */
export type PlayerState = { rank: number; score: number } | null;

export const encodePlayerState = (s: PlayerState): string => (s ? `${s.rank}:${s.score}` : '');
export const decodePlayerState = (v: string): PlayerState => {
  if (!v) return null;
  const [rank, score] = v.split(':');
  return { rank: Number(rank), score: Number(score) };
};

export const MAX_TOP = 100;
export const MAX_WATCHED_PER_SUBSCRIPTION = 10;
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 20;
export const MAX_MESSAGE_BYTES = 16 * 1024;
