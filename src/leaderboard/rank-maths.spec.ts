import fc from 'fast-check';
import { aroundStart, tierFor, topPercent } from './rank-maths';
import { nextRunAt } from './schedule';
import { periodIdFor } from './board';

describe('rank maths', () => {
  it('topPercent is rank / total × 100', () => {
    expect(topPercent(1, 200)).toBe(0.5);
    expect(topPercent(200, 200)).toBe(100);
  });

  it('picks the tightest tier the player is within', () => {
    const tiers = [
      { name: 'silver', topPercent: 10 },
      { name: 'gold', topPercent: 1 },
    ];
    expect(tierFor(tiers, 0.5)).toBe('gold');
    expect(tierFor(tiers, 1)).toBe('gold');
    expect(tierFor(tiers, 1.01)).toBe('silver');
    expect(tierFor(tiers, 50)).toBeUndefined();
    expect(tierFor([], 1)).toBeUndefined();
  });

  it('around windows always contain the player, stay full, and are centred when possible', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 50 }),
        fc.nat(),
        (total, limit, i) => {
          const index = i % total;
          const start = aroundStart(index, limit, total);
          const size = Math.min(limit, total);
          expect(start).toBeGreaterThanOrEqual(0);
          expect(start + size).toBeLessThanOrEqual(total);
          expect(index).toBeGreaterThanOrEqual(start);
          expect(index).toBeLessThan(start + size);
          const centred = index - Math.floor((limit - 1) / 2);
          if (centred >= 0 && centred + limit <= total) expect(start).toBe(centred);
        },
      ),
    );
  });

  it('period ids sort in time order as strings', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), (a, b) => {
        expect(periodIdFor(a) < periodIdFor(b)).toBe(a < b);
      }),
    );
  });
});

describe('nextRunAt', () => {
  it('returns null for boards that never reset', () => {
    expect(nextRunAt(null, 'UTC', new Date())).toBeNull();
  });

  it('honours the time zone', () => {
    const from = new Date('2026-11-27T12:00:00Z');
    expect(nextRunAt('0 0 * * 1', 'Europe/Berlin', from)?.toISOString()).toBe(
      '2026-11-29T23:00:00.000Z',
    );
    expect(nextRunAt('0 0 * * 1', 'UTC', from)?.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('supports 6-field cron with seconds and is strictly after `from`', () => {
    const from = new Date('2026-11-27T12:00:00.000Z');
    expect(nextRunAt('*/2 * * * * *', 'UTC', from)?.toISOString()).toBe('2026-11-27T12:00:02.000Z');
  });
});
