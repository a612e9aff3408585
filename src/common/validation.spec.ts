import { isTimeZone, isValidCron } from './validation';

describe('schedule validation', () => {
  it.each(['0 0 * * 1', '*/2 * * * * *', '0 0 1 * *', '30 4 * * MON'])('accepts %s', (cron) => {
    expect(isValidCron(cron)).toBe(true);
  });
  it.each(['* * *', 'every monday', '', '61 * * * *', '* * * * * * *', 42])(
    'rejects %s',
    (cron) => {
      expect(isValidCron(cron)).toBe(false);
    },
  );
  it('checks IANA time zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
