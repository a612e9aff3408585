import { fireTimeFor, lastFireAt, nextRunAt, NextRunCache } from './schedule';

const F = Date.parse('2026-11-27T10:00:00.000Z'); // a whole second, a fire time of both below
const EVERY_SECOND = '* * * * * *';
const EVERY_TWO = '*/2 * * * * *';

describe('schedule times', () => {
  it('finds the latest fire time at or before a time', () => {
    expect(lastFireAt(EVERY_SECOND, 'UTC', F)).toBe(F);
    expect(lastFireAt(EVERY_SECOND, 'UTC', F + 999)).toBe(F);
    expect(lastFireAt(EVERY_SECOND, 'UTC', F - 1)).toBe(F - 1000);
    expect(lastFireAt('0 0 * * *', 'Europe/Berlin', F)).toBe(Date.parse('2026-11-26T23:00:00Z'));
    expect(nextRunAt(EVERY_TWO, 'UTC', new Date(F))?.getTime()).toBe(F + 2000);
  });

  it("closes the period of the job's own fire time when the job runs a little late", () => {
    for (const late of [0, 5, 400, 999]) {
      expect(fireTimeFor(EVERY_SECOND, 'UTC', F + late, F)).toBe(F);
      expect(fireTimeFor(EVERY_TWO, 'UTC', F + late, F)).toBe(F);
    }
  });

  it('trusts a job that starts up to a second early, and only for a real fire time', () => {
    expect(fireTimeFor(EVERY_SECOND, 'UTC', F - 300, F)).toBe(F);
    expect(fireTimeFor(EVERY_TWO, 'UTC', F - 999, F)).toBe(F);
    // too early, or not a fire time of this schedule: the last fire time passed
    expect(fireTimeFor(EVERY_TWO, 'UTC', F - 1500, F)).toBe(F - 2000);
    expect(fireTimeFor(EVERY_TWO, 'UTC', F - 300, F + 1000)).toBe(F - 2000);
  });

  it('collapses missed fire times into the latest one passed', () => {
    expect(fireTimeFor(EVERY_SECOND, 'UTC', F + 5_300, F)).toBe(F + 5000);
    expect(fireTimeFor(EVERY_TWO, 'UTC', F + 5_300)).toBe(F + 4000);
  });

  it('remembers the next fire time per schedule until it passes, with the same answers', () => {
    let searches = 0;
    const cache = new NextRunCache(2, (...args) => {
      searches++;
      return nextRunAt(...args);
    });
    const times = [F - 1, F, F + 1, F + 1999, F + 2000, F + 2001, F + 1500, F - 5000];
    for (const at of times) {
      expect(cache.nextRunAt(EVERY_TWO, 'UTC', new Date(at))).toEqual(
        nextRunAt(EVERY_TWO, 'UTC', new Date(at)),
      );
    }
    expect(cache.nextRunAt(null, 'UTC', new Date(F))).toBeNull();
    // Searched again only when the remembered time passed or time went backwards.
    expect(searches).toBe(5);
    // A leap-day schedule walks years on every search: one search serves every later call.
    const leap = '0 0 29 2 *';
    const first = cache.nextRunAt(leap, 'Europe/Berlin', new Date(F));
    for (let i = 0; i < 1000; i++) cache.nextRunAt(leap, 'Europe/Berlin', new Date(F + i));
    expect(searches).toBe(6);
    expect(first).toEqual(nextRunAt(leap, 'Europe/Berlin', new Date(F)));
    // Bounded: more schedules than it may hold clear it, answers stay right.
    for (const s of ['1 * * * *', '2 * * * *', '3 * * * *']) {
      expect(cache.nextRunAt(s, 'UTC', new Date(F))).toEqual(nextRunAt(s, 'UTC', new Date(F)));
    }
  });
});
