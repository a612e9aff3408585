import type { BoardDto } from './api';
import { isTournament, tournamentState } from './tournament';

const T0 = Date.parse('2026-11-28T00:00:00Z');
const H = 3600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

type Rules = Parameters<typeof tournamentState>[0];

function board(over: Partial<BoardDto> = {}, periodStart = T0 - 24 * H): Rules {
  return {
    startsAt: null,
    endsAt: null,
    activeFor: null,
    joinRequired: false,
    maxPlayers: null,
    maxAttempts: null,
    nextResetAt: null,
    period: { id: '0000000001', startedAt: iso(periodStart), endsAt: null },
    ...over,
  };
}

describe("a tournament's state in the console", () => {
  it('knows a plain board from a tournament', () => {
    expect(isTournament(board())).toBe(false);
    expect(isTournament(board({ maxAttempts: 3 }))).toBe(true);
    expect(isTournament(board({ joinRequired: true }))).toBe(true);
    expect(isTournament(board({ endsAt: iso(T0) }))).toBe(true);
  });

  it('is not started before startsAt, running in the window, ended from endsAt', () => {
    const b = board({ startsAt: iso(T0), endsAt: iso(T0 + 48 * H), nextResetAt: iso(T0 + 48 * H) });
    expect(tournamentState(b, T0 - 1)).toEqual({
      phase: 'not-started',
      opensAt: T0,
      closesAt: T0 + 48 * H,
    });
    expect(tournamentState(b, T0)).toEqual({
      phase: 'running',
      opensAt: null,
      closesAt: T0 + 48 * H,
    });
    expect(tournamentState(b, T0 + 48 * H)).toEqual({
      phase: 'ended',
      opensAt: null,
      closesAt: null,
    });
  });

  it('is ended once the last period is closed, even by a clock that lags', () => {
    // The close opened a period starting at endsAt: over, whatever this clock says.
    const b = board({ endsAt: iso(T0) }, T0);
    expect(tournamentState(b, T0 - 5000).phase).toBe('ended');
  });

  it('closes each period activeFor after it opens (or after startsAt), until the next period', () => {
    // Daily periods, 2 h windows: the period opened at T0.
    const b = board({ activeFor: 2 * 3600, nextResetAt: iso(T0 + 24 * H) }, T0);
    expect(tournamentState(b, T0 + H)).toEqual({
      phase: 'running',
      opensAt: null,
      closesAt: T0 + 2 * H,
    });
    expect(tournamentState(b, T0 + 2 * H)).toEqual({
      phase: 'closed',
      opensAt: T0 + 24 * H,
      closesAt: null,
    });
    // A start within the period opens the window then.
    const late = board(
      { activeFor: 2 * 3600, startsAt: iso(T0 + 5 * H), nextResetAt: iso(T0 + 24 * H) },
      T0,
    );
    expect(tournamentState(late, T0 + H)).toEqual({
      phase: 'not-started',
      opensAt: T0 + 5 * H,
      closesAt: T0 + 7 * H,
    });
    expect(tournamentState(late, T0 + 6 * H).closesAt).toBe(T0 + 7 * H);
  });

  it('takes whichever comes first of the window and endsAt, and ignores a window that outlasts its period', () => {
    const b = board(
      { activeFor: 10 * 3600, endsAt: iso(T0 + 3 * H), nextResetAt: iso(T0 + 3 * H) },
      T0,
    );
    expect(tournamentState(b, T0 + H).closesAt).toBe(T0 + 3 * H);
    const long = board({ activeFor: 48 * 3600, nextResetAt: iso(T0 + 24 * H) }, T0);
    expect(tournamentState(long, T0 + 30 * H)).toEqual({
      phase: 'running',
      opensAt: null,
      closesAt: null,
    });
    // Closed in the last period before endsAt: nothing opens again.
    const last = board(
      { activeFor: 3600, endsAt: iso(T0 + 24 * H), nextResetAt: iso(T0 + 24 * H) },
      T0,
    );
    expect(tournamentState(last, T0 + 2 * H)).toEqual({
      phase: 'closed',
      opensAt: null,
      closesAt: null,
    });
  });
});
