import { defaultSettings, Board } from './board';
import { checkTournament, parseInstant, periodEndsAt, tournamentEnded } from './tournament';

const board = (over: Partial<Board>): Board => ({
  id: 'b',
  ...defaultSettings('b'),
  createdAt: 0,
  periodId: '0000000001',
  periodStartedAt: 1_000,
  ...over,
});

describe('parseInstant', () => {
  it('reads ISO-8601 instants with Z or an offset, to the millisecond', () => {
    expect(parseInstant('2026-11-27T18:00:00Z')).toBe(Date.UTC(2026, 10, 27, 18));
    expect(parseInstant('2026-11-27T20:00:00.250+02:00')).toBe(Date.UTC(2026, 10, 27, 18) + 250);
    expect(parseInstant('2024-02-29T00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });
  it.each([
    '2026-02-30T00:00:00Z', // Date.parse would say 2 March
    '2025-02-29T00:00:00Z',
    '2026-11-27T24:00:00Z',
    '2026-11-27T18:00:00', // no zone: not an instant
    '2026-11-27',
    '2026-11-27T18:00:00+25:00',
    ' 2026-11-27T18:00:00Z',
    '1969-12-31T23:59:59Z',
    '',
  ])('refuses %j', (text) => {
    expect(parseInstant(text)).toBeNull();
  });
  it('refuses non-strings', () => {
    expect(parseInstant(1767225600000)).toBeNull();
    expect(parseInstant(null)).toBeNull();
  });
});

describe('tournament rules', () => {
  it('ends at endsAt, or once the last period is closed (a close opens a period at endsAt)', () => {
    expect(tournamentEnded(board({}), 10_000)).toBe(false);
    expect(tournamentEnded(board({ endsAt: 5_000 }), 4_999)).toBe(false);
    expect(tournamentEnded(board({ endsAt: 5_000 }), 5_000)).toBe(true);
    expect(tournamentEnded(board({ endsAt: 5_000, periodStartedAt: 5_000 }), 4_000)).toBe(true);
  });

  it("ends the period at the schedule's next fire or endsAt, whichever is first; null when over", () => {
    const next = new Date(3_000);
    expect(periodEndsAt(board({}), next)).toBe(next);
    expect(periodEndsAt(board({}), null)).toBeNull();
    expect(periodEndsAt(board({ endsAt: 5_000 }), next)).toBe(next);
    expect(periodEndsAt(board({ endsAt: 2_000 }), next)).toEqual(new Date(2_000));
    expect(periodEndsAt(board({ endsAt: 2_000 }), null)).toEqual(new Date(2_000));
    expect(periodEndsAt(board({ endsAt: 2_000, periodStartedAt: 2_000 }), next)).toBeNull();
  });

  it('checks the configuration, naming the field', () => {
    const now = 10_000;
    const ok = board({ startsAt: 20_000, endsAt: 30_000 });
    expect(() => checkTournament(ok, { endsAt: 30_000 }, now)).not.toThrow();
    const fieldOf = (fn: () => void): string | undefined => {
      try {
        fn();
        return undefined;
      } catch (err) {
        return (err as { getResponse(): { errors: { path: string }[] } }).getResponse().errors[0]
          .path;
      }
    };
    expect(fieldOf(() => checkTournament(ok, { endsAt: 9_000 }, now))).toBe('endsAt');
    const crossed = board({ startsAt: 30_000, endsAt: 30_000 });
    expect(fieldOf(() => checkTournament(crossed, { startsAt: 30_000 }, now))).toBe('startsAt');
    expect(fieldOf(() => checkTournament(crossed, { endsAt: 30_000 }, now))).toBe('endsAt');
    const windowed = board({ activeFor: 60 });
    expect(fieldOf(() => checkTournament(windowed, {}, now))).toBe('activeFor');
    expect(() =>
      checkTournament({ ...windowed, resetSchedule: '0 * * * *' }, {}, now),
    ).not.toThrow();
  });
});
