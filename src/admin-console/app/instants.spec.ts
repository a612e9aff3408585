import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { duration } from './instants';

type Fn = 'localToIso' | 'isoToLocal' | 'utcOffset';

/**
 * Runs calls of instants.ts in a Node process whose time zone is `tz`: the zone is read when a
 * process starts (setting TZ inside Jest's sandbox changes nothing), so each zone gets its own.
 */
function inZone(tz: string, calls: [Fn, string | null][]): unknown[] {
  const code = transformSync(readFileSync(join(__dirname, 'instants.ts'), 'utf8'), {
    loader: 'ts',
    format: 'cjs',
  }).code;
  const run = `
    const module = { exports: {} }; const exports = module.exports;
    ${code}
    const calls = JSON.parse(process.argv[1]);
    process.stdout.write(JSON.stringify(calls.map(([fn, arg]) =>
      fn === 'utcOffset' ? module.exports.utcOffset(arg === null ? undefined : new Date(arg))
                         : module.exports[fn](arg))));`;
  const out = execFileSync(process.execPath, ['-e', run, JSON.stringify(calls)], {
    env: { ...process.env, TZ: tz },
    encoding: 'utf8',
  });
  return JSON.parse(out) as unknown[];
}

// 1970 to 2100, whole seconds (a datetime-local input with step 1 holds seconds).
const instant = fc
  .integer({ min: 0, max: Date.UTC(2100, 0, 1) / 1000 })
  .map((s) => new Date(s * 1000).toISOString());

describe('datetime-local values and ISO instants', () => {
  it("reads a local date-time in the browser's zone and sends it as UTC", () => {
    expect(
      inZone('Asia/Kolkata', [
        ['localToIso', '2026-11-28T18:00'],
        ['localToIso', '2026-11-28T18:00:07'],
        ['isoToLocal', '2026-11-28T12:30:00Z'],
        ['utcOffset', null],
      ]),
    ).toEqual([
      '2026-11-28T12:30:00.000Z',
      '2026-11-28T12:30:07.000Z',
      '2026-11-28T18:00:00',
      'UTC+05:30',
    ]);
    expect(
      inZone('America/New_York', [
        ['localToIso', '2026-01-10T09:00'],
        ['localToIso', '2026-07-10T09:00'],
        ['utcOffset', '2026-01-10T14:00:00Z'],
        ['isoToLocal', '2026-11-28T00:00:00+02:00'],
      ]),
    ).toEqual([
      '2026-01-10T14:00:00.000Z',
      '2026-07-10T13:00:00.000Z',
      'UTC-05:00',
      '2026-11-27T17:00:00',
    ]);
  });

  it('leaves an empty field out and hands anything else to the API as typed', () => {
    const texts = [
      '',
      '  ',
      'tomorrow',
      '2026-02-30T10:00',
      '2026-13-01T10:00',
      '2026-01-01T24:00',
      '2028-02-29T10:00',
    ];
    expect(
      inZone(
        'UTC',
        texts.map((t) => ['localToIso', t]),
      ),
    ).toEqual([
      null,
      null,
      'tomorrow',
      '2026-02-30T10:00',
      '2026-13-01T10:00',
      '2026-01-01T24:00',
      '2028-02-29T10:00:00.000Z',
    ]);
    expect(
      inZone('UTC', [
        ['isoToLocal', null],
        ['isoToLocal', 'nonsense'],
      ]),
    ).toEqual(['', '']);
  });

  it('reads a wall-clock time that occurs twice (DST fold) as the earlier instant', () => {
    expect(
      inZone('Europe/Berlin', [
        ['localToIso', '2026-10-25T02:30'],
        // and one that does not occur (DST gap) as the platform shifts it, an hour on
        ['localToIso', '2026-03-29T02:30'],
      ]),
    ).toEqual(['2026-10-25T00:30:00.000Z', '2026-03-29T01:30:00.000Z']);
  });

  it('round-trips every instant exactly in zones without DST, and every shown value anywhere', () => {
    const isos = fc.sample(instant, 300);
    for (const tz of ['UTC', 'Asia/Kolkata', 'Pacific/Chatham', 'Europe/Berlin']) {
      const locals = inZone(
        tz,
        isos.map((iso) => ['isoToLocal', iso]),
      ) as string[];
      const back = inZone(
        tz,
        locals.map((l) => ['localToIso', l]),
      ) as string[];
      const shown = inZone(
        tz,
        back.map((b) => ['isoToLocal', b]),
      );
      // What the input shows, sent and shown again, is what it showed.
      expect(shown).toEqual(locals);
      if (tz === 'UTC' || tz === 'Asia/Kolkata') expect(back).toEqual(isos);
      else expect(back.filter((b, i) => b !== isos[i]).length).toBeLessThan(isos.length / 50);
    }
  });

  it('shows durations in seconds and in larger units', () => {
    expect(duration(30)).toBe('30 s');
    expect(duration(90)).toBe('90 s (1 min 30 s)');
    expect(duration(172800)).toBe('172,800 s (2 d)');
    expect(duration(3600)).toBe('3,600 s (1 h)');
  });
});
