import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from './signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret-0123456789';
  const body = '{"event":"ping","data":{"n":1}}';

  it('signs t.body with HMAC-SHA256 and verifies within the replay window', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    const mac = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${mac}`);
    expect(verifySignature(header, secret, body, 1_700_000_000)).toBe(true);
    expect(verifySignature(header, secret, body, 1_700_000_299)).toBe(true);
  });

  it('refuses another body, secret, timestamp, a stale or malformed header', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    expect(verifySignature(header, secret, `${body} `, 1_700_000_000)).toBe(false);
    expect(verifySignature(header, `${secret}x`, body, 1_700_000_000)).toBe(false);
    expect(
      verifySignature(header.replace('t=1700000000', 't=1700000001'), secret, body, 1_700_000_000),
    ).toBe(false);
    expect(verifySignature(header, secret, body, 1_700_000_301)).toBe(false);
    expect(verifySignature('v1=abc', secret, body, 1_700_000_000)).toBe(false);
    expect(verifySignature('', secret, body, 1_700_000_000)).toBe(false);
  });
});
