import { isTimeZone, isValidCron, jsonTooDeep } from './validation';

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

describe('jsonTooDeep', () => {
  const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n);
  it('counts objects and arrays, up to the limit and one past it', () => {
    expect(jsonTooDeep(nest(32))).toBe(false);
    expect(jsonTooDeep(nest(33))).toBe(true);
    expect(jsonTooDeep('{"a":{"b":[1,{"c":2}]}}', 4)).toBe(false);
    expect(jsonTooDeep('{"a":{"b":[1,{"c":2}]}}', 3)).toBe(true);
    expect(jsonTooDeep(nest(20_000))).toBe(true);
  });
  it('does not count brackets inside strings, escaped quotes and backslashes included', () => {
    expect(jsonTooDeep(JSON.stringify({ a: nest(100) }))).toBe(false);
    expect(jsonTooDeep(JSON.stringify({ a: `\\"${nest(100)}` }))).toBe(false);
    const backslashEnd = `{"a":${JSON.stringify('x\\')},"b":${nest(3)}}`; // {"a":"x\\","b":[[[]]]}
    expect(jsonTooDeep(backslashEnd, 4)).toBe(false);
    expect(jsonTooDeep(backslashEnd, 3)).toBe(true);
    expect(jsonTooDeep(`[${JSON.stringify('\\')},${nest(40)}]`)).toBe(true);
  });
  it('leaves malformed text to the parser', () => {
    expect(jsonTooDeep('"unterminated [[[[')).toBe(false);
    expect(jsonTooDeep(']]]]')).toBe(false);
  });
});
