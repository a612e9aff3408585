import { CronExpressionParser } from 'cron-parser';

/** The first time strictly after `from` at which the cron schedule fires in `timezone`. */
export function nextRunAt(schedule: string | null, timezone: string, from: Date): Date | null {
  if (!schedule) return null;
  return CronExpressionParser.parse(schedule, { tz: timezone, currentDate: from }).next().toDate();
}

/** Longest cron expression a board may have (`resetSchedule`). */
export const MAX_SCHEDULE_LENGTH = 100;

/**
 * {@link nextRunAt}, remembered per (schedule, time zone) until that fire time passes: one
 * search can take milliseconds (a leap-day schedule walks years), and boards share schedules,
 * so listing boards costs next to nothing after the first. A pure function's memo, so it is the
 * same on every instance. Bounded: cleared when it holds more schedules than boards may exist.
 */
export class NextRunCache {
  private readonly known = new Map<string, { from: number; next: Date }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly compute: typeof nextRunAt = nextRunAt,
  ) {}

  nextRunAt(schedule: string | null, timezone: string, from: Date): Date | null {
    if (!schedule) return null;
    const key = `${schedule}\t${timezone}`;
    const at = from.getTime();
    const hit = this.known.get(key);
    // The next fire time after `from` is the remembered one while no fire time lies between.
    if (hit && hit.from <= at && at < hit.next.getTime()) return hit.next;
    const next = this.compute(schedule, timezone, from)!;
    if (this.known.size >= this.maxEntries) this.known.clear();
    this.known.set(key, { from: at, next });
    return next;
  }
}

/** A job may start up to this much before its fire time (clock skew between hosts). */
const EARLY_TOLERANCE_MS = 1000;

/** The latest fire time of the schedule at or before `at`. */
export function lastFireAt(schedule: string, timezone: string, at: number): number {
  // prev() is strictly before its start, so start 1 ms after `at`.
  return CronExpressionParser.parse(schedule, { tz: timezone, currentDate: new Date(at + 1) })
    .prev()
    .getTime();
}

/**
 * The fire time a scheduled reset running at `now` closes the period for. The scheduler names
 * the fire time it produced the job for (`intended`); it is used when it is a fire time of the
 * board's schedule, later than the last one already passed and at most EARLY_TOLERANCE_MS
 * ahead (a worker whose clock runs slightly behind the scheduler's). Otherwise — a job that
 * runs late, after fire times were missed — the latest fire time passed: missed fire times
 * collapse into one reset.
 */
export function fireTimeFor(
  schedule: string,
  timezone: string,
  now: number,
  intended?: number,
): number {
  const last = lastFireAt(schedule, timezone, now);
  const early =
    intended !== undefined &&
    intended > last &&
    intended <= now + EARLY_TOLERANCE_MS &&
    lastFireAt(schedule, timezone, intended) === intended;
  return early ? intended : last;
}
