/**
 * The one rule every key follows: a board's keys start with its hash tag `{lb:<id>}`, so a
 * board lives in one cluster slot and each Lua script touches exactly one slot. Each feature
 * declares its own key family on top of it (`*.keys.ts` beside its repositories):
 *
 *   leaderboard/board.keys.ts      config, tie-break sequence, current and archived periods
 *   scores/scores.keys.ts          idempotency records
 *   ranking-jobs/stats/stats.keys.ts   computed stats
 *   realtime/live.keys.ts          live-update state (watches, snapshot, gate)
 *   common/rate-limiter.ts         rate-limit counters (per player: in the board's slot)
 */
export const boardTag = (boardId: string): string => `{lb:${boardId}}`;
