/**
 * `<input type="datetime-local">` holds a wall-clock time without a zone (`2026-11-28T18:00` or
 * with seconds); the API wants ISO-8601 instants. The console reads and writes those inputs in
 * the browser's own time zone. Pure functions, no DOM: unit-tested in instants.spec.ts.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;

/**
 * The instant a local date-time names, as ISO-8601 in UTC (`2026-11-28T17:00:00.000Z` from
 * `2026-11-28T18:00` in Berlin); `null` for an empty input. Text that is not a local date-time
 * is returned as it is, so the API names the field. A wall-clock time that a daylight-saving
 * change makes occur twice is read as the earlier one (the platform's rule).
 */
export function localToIso(local: string): string | null {
  const text = local.trim();
  if (text === '') return null;
  const m = LOCAL.exec(text);
  if (!m) return text;
  // Date would read 30 February as 2 March: the calendar fields must exist as written.
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((x) => Number(x ?? 0));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return text;
  if (hour > 23 || minute > 59 || second > 59) return text;
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/** An instant as a `datetime-local` value in this browser's zone, to the second. */
export function isoToLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** This browser's UTC offset at an instant, as `UTC+01:00` (for the form's hints). */
export function utcOffset(at: Date = new Date()): string {
  const minutes = -at.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A duration in seconds for people: `172,800 s (2 d)`, `90 s (1 min 30 s)`. */
export function duration(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${unit}`);
    rest -= n * size;
  }
  return `${seconds.toLocaleString('en-US')} s${parts.length > 1 || seconds >= 60 ? ` (${parts.join(' ')})` : ''}`;
}
