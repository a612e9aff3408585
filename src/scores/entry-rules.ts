import { ProblemException } from '../common/problem';
import type { ScriptReply } from '../valkey/lua-script';

/** Why a tournament board refused a submission or a join (valkey/tournament.lib.lua). */
export const ENTRY_REFUSALS = [
  'not-started',
  'ended',
  'closed',
  'not-joined',
  'full',
  'no-attempts-left',
] as const;
export type EntryRefusalReason = (typeof ENTRY_REFUSALS)[number];

/** A write refused by the board's tournament rules: nothing was applied or counted. */
export interface EntryRefused {
  status: 'entry-refused';
  reason: EntryRefusalReason;
  /** The batch entry that broke the rule (0 for a single submission or a join). */
  index: number;
  periodId: string;
  /** The instant (ms) or limit the reason names. */
  bound: number;
  /** The player of the entry that broke the rule ('' when the rule is about the whole request). */
  playerId: string;
}

/** Decodes `{ 'ENTRY_REFUSED', reason, index, periodId, value }`. */
export function decodeEntryRefusal(reply: ScriptReply[]): EntryRefused {
  const reason = String(reply[1]);
  if (!(ENTRY_REFUSALS as readonly string[]).includes(reason)) {
    throw new Error(`Unexpected entry refusal ${JSON.stringify(reason)}`);
  }
  return {
    status: 'entry-refused',
    reason: reason as EntryRefusalReason,
    index: Math.max(0, Number(reply[2])),
    periodId: String(reply[3]),
    bound: Number(reply[4]),
    playerId: String(reply[5] ?? ''),
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The problem for a refusal: 409 for the window and the limits, 403 `not-joined`. `prefix`: the
 * path of the entry in a batch (e.g. `entries.3.`), '' for a single request; a batch's problem
 * names the entry's playerId field.
 */
export function entryRefusalProblem(
  boardId: string,
  r: EntryRefused,
  prefix: string,
): ProblemException {
  const board = `leaderboard "${boardId}"`;
  const playerId = r.playerId;
  const about = (message: string) =>
    prefix ? [{ path: `${prefix}playerId`, message }] : undefined;
  switch (r.reason) {
    case 'not-started':
      return new ProblemException(
        409,
        'not-started',
        `The tournament on ${board} starts at ${iso(r.bound)}; submissions are refused until then.`,
      );
    case 'ended':
      return new ProblemException(
        409,
        'ended',
        `The tournament on ${board} ended at ${iso(r.bound)}; it takes no more submissions or joins.`,
      );
    case 'closed':
      return new ProblemException(
        409,
        'closed',
        `Period ${r.periodId} of ${board} stopped taking submissions at ${iso(r.bound)} (activeFor); the next period opens with the schedule.`,
      );
    case 'not-joined':
      return new ProblemException(
        403,
        'not-joined',
        `Player "${playerId}" has not joined period ${r.periodId} of ${board}: POST /v1/leaderboards/${boardId}/players/${playerId}/join first.`,
        about('has not joined the current period'),
      );
    case 'full':
      return new ProblemException(
        409,
        'full',
        `Period ${r.periodId} of ${board} is full: all ${r.bound} seats (maxPlayers) are taken.`,
        about('the period is full'),
      );
    case 'no-attempts-left':
      return new ProblemException(
        409,
        'no-attempts-left',
        `Player "${playerId}" has used all ${r.bound} attempts (maxAttempts) in period ${r.periodId} of ${board}.`,
        about('no attempts left in the current period'),
      );
  }
}
