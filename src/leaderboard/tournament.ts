import { badRequest, ProblemException } from '../common/problem';
import type { Board, BoardSettings } from './board';

/**
 * Tournament rules a board may carry (README "Tournaments"): a submission window (`startsAt`,
 * `endsAt`, `activeFor` per period) and entry rules (`joinRequired`, `maxPlayers`,
 * `maxAttempts`). The checks that decide a submission or a join run inside the write's own Lua
 * script (valkey/tournament.lib.lua) against Valkey's clock; this file holds the rules of the
 * configuration itself.
 */
export type TournamentSettings = Pick<
  BoardSettings,
  'startsAt' | 'endsAt' | 'activeFor' | 'joinRequired' | 'maxPlayers' | 'maxAttempts'
>;

/** Longest `activeFor`: a year (a window longer than any period is simply always open). */
export const MAX_ACTIVE_FOR_SECONDS = 366 * 24 * 3600;
/** Most seats or attempts a board may set (far above any real event; keeps counters exact). */
export const MAX_ENTRY_LIMIT = 1_000_000_000;

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * An ISO-8601 instant (date, time and `Z` or an offset) in ms since the epoch, or null when the
 * text is not one: calendar fields are checked (Date.parse would read 30 February as 2 March).
 */
export function parseInstant(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = INSTANT.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && year >= 1970 ? ms : null;
}

/**
 * Whether the tournament is over: `endsAt` has passed, or its last period is closed already
 * (the close opens a period starting at `endsAt`; a worker clock ahead of `now` may get there
 * first).
 */
export const tournamentEnded = (board: Board, now: number): boolean =>
  board.endsAt !== null && (now >= board.endsAt || board.periodStartedAt >= board.endsAt);

/**
 * When the current period ends: the schedule's next fire time, or `endsAt` when that comes
 * first; null once the tournament is over (its last period is closed and the schedule no
 * longer rolls periods).
 */
export function periodEndsAt(board: Board, nextScheduled: Date | null): Date | null {
  if (board.endsAt === null) return nextScheduled;
  if (board.periodStartedAt >= board.endsAt) return null;
  if (nextScheduled && nextScheduled.getTime() < board.endsAt) return nextScheduled;
  return new Date(board.endsAt);
}

/** The 409 for a change to `startsAt`/`endsAt` of a tournament that is over. */
export const tournamentOver = (boardId: string): ProblemException =>
  new ProblemException(
    409,
    'ended',
    `The tournament on leaderboard "${boardId}" has ended: startsAt and endsAt can no longer change.`,
  );

/**
 * Checks a board's tournament configuration (after a PATCH: the merged one). `changed`: the
 * instants this request sets, which must lie in the future. Throws the 400 naming the field.
 */
export function checkTournament(
  t: TournamentSettings & Pick<BoardSettings, 'resetSchedule'>,
  changed: { startsAt?: number | null; endsAt?: number | null },
  now: number,
): void {
  if (typeof changed.endsAt === 'number' && changed.endsAt <= now) {
    throw badRequest('endsAt', 'must be in the future');
  }
  if (t.startsAt !== null && t.endsAt !== null && t.startsAt >= t.endsAt) {
    throw badRequest(changed.startsAt !== undefined ? 'startsAt' : 'endsAt', startsBeforeEnds);
  }
  if (t.activeFor !== null && !t.resetSchedule) {
    throw badRequest('activeFor', 'needs a resetSchedule (it limits each period of the schedule)');
  }
}

export const startsBeforeEnds = 'startsAt must be before endsAt';
