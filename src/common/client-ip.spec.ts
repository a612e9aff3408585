import type { IncomingMessage } from 'node:http';
import { clientIp } from './client-ip';

const req = (xff: string | undefined, remote = '10.0.0.9'): IncomingMessage =>
  ({
    headers: xff ? { 'x-forwarded-for': xff } : {},
    socket: { remoteAddress: remote },
  }) as unknown as IncomingMessage;

describe('clientIp', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientIp(req('1.2.3.4'), false)).toBe('10.0.0.9');
  });
  it('takes the left-most entry when every proxy is trusted', () => {
    expect(clientIp(req('1.2.3.4, 5.6.7.8'), true)).toBe('1.2.3.4');
  });
  it('trusts a number of hops from the right', () => {
    expect(clientIp(req('1.2.3.4, 5.6.7.8'), 1)).toBe('5.6.7.8');
    expect(clientIp(req('1.2.3.4, 5.6.7.8'), 2)).toBe('1.2.3.4');
    expect(clientIp(req('1.2.3.4'), 5)).toBe('1.2.3.4');
    expect(clientIp(req(undefined), 1)).toBe('10.0.0.9');
  });
});
