import type { BoardDto } from './api';

/** What a board's tournament rules mean right now, as the console shows it. */
export type TournamentPhase = 'not-started' | 'running' | 'closed' | 'ended';

export interface TournamentState {
  phase: TournamentPhase;
  /** When submissions open next (`not-started`: startsAt; `closed`: the next period), or null. */
  opensAt: number | null;
  /**
   * When submissions next stop: the end of this period's `activeFor` window or `endsAt`,
   * whichever comes first; null when nothing closes them (or they are not open).
   */
  closesAt: number | null;
}

type Rules = Pick<
  BoardDto,
  | 'startsAt'
  | 'endsAt'
  | 'activeFor'
  | 'joinRequired'
  | 'maxPlayers'
  | 'maxAttempts'
  | 'nextResetAt'
  | 'period'
>;

/** Whether the board has any tournament option (else it is a plain board). */
export const isTournament = (b: Rules): boolean =>
  b.startsAt !== null ||
  b.endsAt !== null ||
  b.activeFor !== null ||
  b.joinRequired ||
  b.maxPlayers !== null ||
  b.maxAttempts !== null;

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/**
 * The tournament's phase at `now` by this browser's clock, following the server's rules (README
 * "Tournaments"): ended once `endsAt` has passed or the last period is closed; not started
 * before `startsAt`; with `activeFor`, each period takes submissions that long after it opens
 * (after `startsAt` if later), then is closed until the next period. The server decides by
 * Valkey's clock, so near a boundary the console may be a moment off.
 */
export function tournamentState(b: Rules, now: number): TournamentState {
  const startsAt = ms(b.startsAt);
  const endsAt = ms(b.endsAt);
  const periodStart = Date.parse(b.period.startedAt);
  const periodEnd = ms(b.nextResetAt);
  if (endsAt !== null && (now >= endsAt || periodStart >= endsAt)) {
    return { phase: 'ended', opensAt: null, closesAt: null };
  }
  const opens = Math.max(periodStart, startsAt ?? periodStart);
  // A window that outlasts its period never closes it: the next period opens a new one.
  const windowEnd = b.activeFor === null ? null : opens + b.activeFor * 1000;
  const windowCloses =
    windowEnd !== null && (periodEnd === null || windowEnd < periodEnd) ? windowEnd : null;
  const closesAt = earliest(windowCloses, endsAt);
  if (startsAt !== null && now < startsAt)
    return { phase: 'not-started', opensAt: startsAt, closesAt };
  if (windowCloses !== null && now >= windowCloses) {
    const next = periodEnd !== null && (endsAt === null || periodEnd < endsAt) ? periodEnd : null;
    return { phase: 'closed', opensAt: next, closesAt: null };
  }
  return { phase: 'running', opensAt: null, closesAt };
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** The phase in words. */
export const PHASE_LABEL: Record<TournamentPhase, string> = {
  'not-started': 'not started',
  running: 'running',
  closed: 'closed until the next period',
  ended: 'ended',
};
