import { Metrics } from '../common/metrics';
import type { AppConfig } from '../config/app-config';
import type { ValkeyConnections } from '../valkey/valkey-connections';
import { RenderedReads } from './rendered-reads';

/**
 * The kept bodies' bookkeeping (no Valkey: whether a kept body is current is the read script's
 * call, tested in test/rendered-reads.e2e-spec.ts). Entry sizes are only roughly known (strings
 * at 2 bytes a character plus a fixed overhead of a few hundred bytes), so the sizes here leave
 * room either way: BUDGET holds 9 entries of BODY characters, not 10, whatever that overhead.
 */
const BUDGET = 80_000;
const BODY = 4_100; // 2 × 4,100 = 8,200 bytes of JSON alone: 10 of them exceed BUDGET
const CAPACITY = 9; // 9 × (8,200 + key, version, overhead ≤ ~650) ≤ 80,000

/** The last listener a RenderedReads registered for reconnections (what ValkeyConnections calls). */
let reconnect: () => void = () => undefined;
const connections = {
  onReconnect: (listener: () => void) => {
    reconnect = listener;
  },
} as unknown as ValkeyConnections;

const kept = (budget: number, metrics = new Metrics()): RenderedReads =>
  new RenderedReads({ renderedReadsBytes: budget } as AppConfig, metrics, connections);

/** A JSON body of `n` characters whose text says which `tag` it is. */
const body = (tag: string, n = BODY): string => {
  const head = `{"tag":"${tag}","pad":"`;
  return head + 'x'.repeat(n - head.length - 2) + '"}';
};

const keys = (n: number, from = 0): string[] =>
  Array.from({ length: n }, (_, i) => `page\nb\n${from + i}\n25`);

/** Which of `ks` are kept (get refreshes each one, in the order given). */
const present = (r: RenderedReads, ks: string[]): string[] => ks.filter((k) => r.get(k));

describe('RenderedReads', () => {
  it('is off with a budget of 0 and keeps nothing then', () => {
    const r = kept(0);
    expect(r.enabled).toBe(false);
    r.set('page\nb\n0\n25', '1.1', '{}');
    expect(r.get('page\nb\n0\n25')).toBeUndefined();
    expect(kept(1).enabled).toBe(true);
  });

  it('returns what was set, with its version', () => {
    const r = kept(BUDGET);
    r.set('player\nb\nalice', '1700000000000.7', '{"rank":1}');
    expect(r.get('player\nb\nalice')).toEqual({ version: '1700000000000.7', json: '{"rank":1}' });
    expect(r.get('player\nb\nbob')).toBeUndefined();
  });

  it('holds as many entries as the budget allows and evicts the least recently set first', () => {
    const r = kept(BUDGET);
    const ks = keys(CAPACITY + 1);
    for (const k of ks.slice(0, CAPACITY)) r.set(k, '1.1', body(k));
    expect(present(r, ks)).toEqual(ks.slice(0, CAPACITY)); // (gets in set order: same order)
    r.set(ks[CAPACITY], '1.1', body(ks[CAPACITY]));
    expect(present(r, ks)).toEqual(ks.slice(1));
    expect(r.get(ks[CAPACITY])!.json).toBe(body(ks[CAPACITY]));
  });

  it('counts a get as a use: the entry read last goes out last', () => {
    const r = kept(BUDGET);
    const ks = keys(CAPACITY + 2);
    for (const k of ks.slice(0, CAPACITY)) r.set(k, '1.1', body(k));
    expect(r.get(ks[0])).toBeDefined(); // now the most recently used
    expect(r.get(ks[2])).toBeDefined();
    r.set(ks[CAPACITY], '1.1', body(ks[CAPACITY])); // evicts ks[1], the oldest untouched
    r.set(ks[CAPACITY + 1], '1.1', body(ks[CAPACITY + 1])); // then ks[3]
    expect(present(r, ks)).toEqual([
      ks[0],
      ks[2],
      ...ks.slice(4, CAPACITY),
      ks[CAPACITY],
      ks[CAPACITY + 1],
    ]);
  });

  it('evicts as many of the oldest entries as a new one needs, and only those', () => {
    const r = kept(BUDGET);
    // ~1,250 bytes each: far more than fit, so the oldest went out while these were set.
    const small = keys(100);
    for (const k of small) r.set(k, '1.1', body(k, 500));
    const before = present(r, small); // (gets in set order: the order stays)
    expect(before.length).toBeGreaterThan(50);
    expect(before.length).toBeLessThan(80);
    expect(before).toEqual(small.slice(small.length - before.length)); // the newest
    const big = 'page\nb\n0\n1000';
    r.set(big, '1.1', body(big, 4_800)); // ~9,800 bytes: the room of about 8 small ones
    expect(r.get(big)).toBeDefined();
    const after = present(r, small);
    expect(before.length - after.length).toBeGreaterThanOrEqual(6);
    expect(before.length - after.length).toBeLessThanOrEqual(10);
    expect(after).toEqual(small.slice(small.length - after.length));
  });

  it('does not keep an entry larger than an eighth of the budget, nor evict for it', () => {
    const r = kept(BUDGET);
    const ks = keys(CAPACITY);
    for (const k of ks) r.set(k, '1.1', body(k));
    const huge = 'page\nb\n0\n1000';
    r.set(huge, '1.1', body(huge, BUDGET / 16 + 1)); // 2 bytes a character: over BUDGET / 8
    expect(r.get(huge)).toBeUndefined();
    expect(present(r, ks)).toEqual(ks);
    // Just under an eighth is kept.
    const fits = kept(BUDGET);
    fits.set(huge, '1.1', body(huge, BUDGET / 16 - 400));
    expect(fits.get(huge)).toBeDefined();
  });

  it('drops what a URL had kept when its new rendering is too large to keep', () => {
    const r = kept(BUDGET);
    const k = 'page\nb\n0\n1000';
    r.set(k, '1.1', body('v1', 100));
    r.set(k, '1.2', body('v2', BUDGET / 16 + 1));
    // The body kept at 1.1 can never be served again (the board moved on): not worth its room.
    expect(r.get(k)).toBeUndefined();
  });

  it('counts a replaced entry once: replacing entries many times evicts nothing', () => {
    const r = kept(BUDGET);
    const ks = keys(CAPACITY);
    for (const k of ks) r.set(k, '1.1', body(k));
    for (let v = 2; v < 200; v++) {
      // The same size, a larger one (the board grew) and a smaller one, round the keys.
      const k = ks[v % CAPACITY];
      const n = v % 3 === 0 ? BODY : v % 3 === 1 ? BODY + 100 : BODY - 100;
      r.set(k, `1.${v}`, body(`${k}@${v}`, n));
    }
    for (const k of ks) r.set(k, '1.999', body(k)); // back to BODY each: exactly full again
    expect(present(r, ks)).toEqual(ks);
    expect(r.get(ks[4])).toEqual({ version: '1.999', json: body(ks[4]) });

    // And a replacement by a smaller body frees its room for others.
    const r2 = kept(BUDGET);
    for (const k of ks) r2.set(k, '1.1', body(k));
    for (const k of ks) r2.set(k, '1.2', body(k, BODY / 2 - 200));
    const more = keys(4, 100);
    for (const k of more) r2.set(k, '1.1', body(k));
    expect(present(r2, [...ks, ...more])).toEqual([...ks, ...more]);
  });

  it('counts kept and rendered answers on valkran_rendered_reads_total', async () => {
    const metrics = new Metrics();
    const r = kept(BUDGET, metrics);
    r.count(true);
    r.count(true);
    r.count(false);
    const values = (await metrics.renderedReads.get()).values;
    const of = (outcome: string) => values.find((v) => v.labels.outcome === outcome)?.value;
    expect(of('kept')).toBe(2);
    expect(of('rendered')).toBe(1);
    expect(await metrics.registry.metrics()).toMatch(
      /^valkran_rendered_reads_total\{outcome="kept"\} 2$/m,
    );
  });
  it('drops everything when the Valkey connection is lost or re-established', () => {
    const r = kept(BUDGET);
    const ks = keys(3);
    for (const k of ks) r.set(k, '1.1', body(k));
    reconnect();
    expect(present(r, ks)).toEqual([]);
    r.set(ks[0], '1.1', body(ks[0]));
    expect(present(r, ks)).toEqual([ks[0]]);
  });

  it('does not keep a body whose render began before a reconnection', () => {
    const r = kept(BUDGET);
    const [k] = keys(1);
    const epoch = r.epoch;
    reconnect();
    r.set(k, '1.1', body(k), epoch);
    expect(r.get(k)).toBeUndefined();
    r.set(k, '1.1', body(k), r.epoch);
    expect(r.get(k)?.version).toBe('1.1');
  });
});
