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
  /** On boards with tie-break columns only. */
  subscores?: number[];
  displayName?: string;
}

/** The fields of an entry that live top lists carry. */
export const toTopRow = (e: TopRow): TopRow => ({
  rank: e.rank,
  playerId: e.playerId,
  score: e.score,
  ...(e.subscores !== undefined ? { subscores: e.subscores } : {}),
  ...(e.displayName !== undefined ? { displayName: e.displayName } : {}),
});

/** Equal subscores (both absent on a board without columns). */
export const sameSubscores = (a?: number[], b?: number[]): boolean =>
  a === b || (!!a && !!b && a.length === b.length && a.every((v, i) => v === b[i]));

export interface LiveSnapshot {
  periodId: string;
  total: number;
  top: TopRow[];
}

/** A watched player's last published standing; null when not on the board. */
export type PlayerState = { rank: number; score: number; subscores?: number[] } | null;

export const encodePlayerState = (s: PlayerState): string =>
  s ? `${s.rank}:${s.score}${s.subscores ? `:${s.subscores.join(',')}` : ''}` : '';
export const decodePlayerState = (v: string): PlayerState => {
  if (!v) return null;
  const [rank, score, subscores] = v.split(':');
  const state: PlayerState = { rank: Number(rank), score: Number(score) };
  if (subscores !== undefined) state.subscores = subscores.split(',').map(Number);
  return state;
};

/** A player's live standing from an entry (its subscores only on boards with columns). */
export const playerStateOf = (e: { rank: number; score: number; subscores?: number[] }) =>
  e.subscores !== undefined
    ? { rank: e.rank, score: e.score, subscores: e.subscores }
    : { rank: e.rank, score: e.score };

export const MAX_TOP = 100;
export const MAX_WATCHED_PER_SUBSCRIPTION = 10;
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 20;
export const MAX_MESSAGE_BYTES = 16 * 1024;
