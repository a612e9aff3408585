import { CronExpressionParser } from 'cron-parser';

/** The first time strictly after `from` at which the cron schedule fires in `timezone`. */
export function nextRunAt(schedule: string | null, timezone: string, from: Date): Date | null {
  if (!schedule) return null;
  return CronExpressionParser.parse(schedule, { tz: timezone, currentDate: from }).next().toDate();
}
