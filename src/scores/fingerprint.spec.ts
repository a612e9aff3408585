import fc from 'fast-check';
import { canonicalJson, fingerprint, sha256Hex } from './fingerprint';

describe('canonicalJson', () => {
  it('is independent of key order and equals JSON for the same data', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } })).toBe(
      canonicalJson({ a: { c: 'x', d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});

describe('fingerprint', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);

  it('scopes the Idempotency-Key to the submit key, and keeps the unscoped name for old records', () => {
    const fromA = fingerprint('single', { playerId: 'p', score: 1 }, 'k', a);
    const fromB = fingerprint('single', { playerId: 'p', score: 1 }, 'k', b);
    expect(fromA.keyDigest).not.toBe(fromB.keyDigest);
    expect(fromA.bodyDigest).toBe(fromB.bodyDigest);
    expect(fromA.keyDigest).toBe(sha256Hex(`${a}:k`));
    expect(fromA.legacyKeyDigest).toBe(sha256Hex('k'));
    expect(fromB.legacyKeyDigest).toBe(fromA.legacyKeyDigest);
  });

  it('covers subscores: other subscores (or none) are another body, their order matters', () => {
    const body = (subscores?: number[]) =>
      fingerprint('single', { playerId: 'p', score: 1, subscores }, 'k', a).bodyDigest;
    const digests = [body([1, 2]), body([2, 1]), body([1, 3]), body(undefined)];
    expect(new Set(digests).size).toBe(4);
    expect(body([1, 2])).toBe(body([1, 2]));
    const batch = (subscores: number[]) =>
      fingerprint('batch', [{ playerId: 'p', score: 1, subscores }], 'k', a).bodyDigest;
    expect(batch([9007199254740991])).not.toBe(batch([9007199254740990]));
  });

  it('has no key digests without an Idempotency-Key', () => {
    expect(fingerprint('batch', [], undefined, a)).toMatchObject({
      bodyDigest: '',
      keyDigest: '',
      legacyKeyDigest: '',
    });
  });
});
