import type { Board, Tiebreaker } from '../../src/leaderboard/board';
import { StandingsRepository } from '../../src/leaderboard/standings.repository';
import { ResetsRepository } from '../../src/ranking-jobs/resets/resets.repository';
import { StatsRepository } from '../../src/ranking-jobs/stats/stats.repository';
import { ScoresRepository, SubmissionInput } from '../../src/scores/scores.repository';
import { NO_KEY, useRepositories } from '../support/repositories';

const MAX = Number.MAX_SAFE_INTEGER;

const cols = (...orders: ('asc' | 'desc')[]): Tiebreaker[] =>
  orders.map((order, i) => ({ name: `c${i}`, order }));

describe('tie-break columns (storage layout 2 with columns) against real Valkey', () => {
  const f = useRepositories('tb');
  const standings = () => new StandingsRepository(f.connections);
  const scores = () => new ScoresRepository(f.connections);

  async function submit(boardId: string, entry: SubmissionInput) {
    const r = await scores().submit(boardId, entry, NO_KEY);
    if (r.status !== 'ok') throw new Error(`${r.status}: ${JSON.stringify(r)}`);
    return r.value;
  }

  async function rows(boardId: string, period: 'current' | { archived: string } = 'current') {
    const r = await standings().page(boardId, period, 0, 1000);
    if (r.status !== 'ok') throw new Error(r.status);
    return r.rows.map((e) => [e.playerId, e.score, e.subscores, e.rank]);
  }

  async function board(settings: Partial<Board>): Promise<Board> {
    return f.board(settings);
  }

  it('orders equal scores by each column in its own direction, then first to reach', async () => {
    // score desc; c0 desc (more is better), c1 asc (less is better)
    const b = await board({ rankMode: 'ordinal', tiebreakers: cols('desc', 'asc') });
    await submit(b.id, { playerId: 'a', score: 10, subscores: [1, 50] });
    await submit(b.id, { playerId: 'b', score: 10, subscores: [2, 90] });
    await submit(b.id, { playerId: 'c', score: 10, subscores: [2, 40] });
    await submit(b.id, { playerId: 'd', score: 10, subscores: [2, 40] });
    await submit(b.id, { playerId: 'e', score: 11, subscores: [-5, 1000] });
    await submit(b.id, { playerId: 'f', score: 9, subscores: [100, 0] });
    expect(await rows(b.id)).toEqual([
      ['e', 11, [-5, 1000], 1],
      ['c', 10, [2, 40], 2],
      ['d', 10, [2, 40], 3],
      ['b', 10, [2, 90], 4],
      ['a', 10, [1, 50], 5],
      ['f', 9, [100, 0], 6],
    ]);
  });

  it('ties competition and dense ranks only on equal score and columns, in O(log N) reads', async () => {
    const tuples: [string, number, number[]][] = [
      ['a', 5, [1]],
      ['b', 5, [1]],
      ['c', 5, [0]],
      ['d', 5, [0]],
      ['e', 5, [0]],
      ['f', 4, [9]],
      ['g', 4, [9]],
    ];
    for (const [rankMode, ranks] of [
      ['competition', [1, 1, 3, 3, 3, 6, 6]],
      ['dense', [1, 1, 2, 2, 2, 3, 3]],
    ] as const) {
      const b = await board({ rankMode, tiebreakers: cols('desc') });
      for (const [playerId, score, subscores] of tuples) {
        await submit(b.id, { playerId, score, subscores });
      }
      expect((await rows(b.id)).map((r) => [r[0], r[3]])).toEqual(
        ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((p, i) => [p, ranks[i]]),
      );
      // Every offset starts from a rank lookup; every player read too.
      for (let offset = 0; offset < tuples.length; offset++) {
        const page = await standings().page(b.id, 'current', offset, 2);
        expect(page.status === 'ok' && page.rows.map((e) => e.rank)).toEqual(
          ranks.slice(offset, offset + 2),
        );
      }
      const players = await standings().players(b.id, 'current', ['e', 'g', 'zz']);
      expect(players.status === 'ok' && players.rows.map((r) => r.entry?.rank ?? null)).toEqual([
        ranks[4],
        ranks[6],
        null,
      ]);
      // A submit's result ranks the same way.
      expect(await submit(b.id, { playerId: 'h', score: 5, subscores: [0] })).toMatchObject({
        rank: ranks[2],
      });
      // dz holds one member per distinct tuple, and none once they are gone.
      if (rankMode === 'dense') {
        expect(await f.valkey.client.zcard(`{lb:${b.id}}:cur:dz`)).toBe(3);
        for (const p of ['a', 'b', 'c', 'd', 'e', 'h']) await scores().remove(b.id, p);
        expect(await f.valkey.client.zcard(`{lb:${b.id}}:cur:dz`)).toBe(1);
        expect(await submit(b.id, { playerId: 'x', score: 4, subscores: [10] })).toMatchObject({
          rank: 1,
        });
        expect(await submit(b.id, { playerId: 'y', score: 4, subscores: [9] })).toMatchObject({
          rank: 2,
        });
      }
    }
  });

  it('ranks a skiplist-encoded board (many players, many ties) like a sorted model', async () => {
    for (const rankMode of ['competition', 'dense'] as const) {
      const b = await board({ rankMode, tiebreakers: cols('asc', 'desc') });
      const entries = Array.from({ length: 600 }, (_, i) => ({
        playerId: `player-${(i * 37) % 600}`,
        score: i % 4,
        subscores: [i % 3, (i * 7) % 5],
      }));
      expect((await scores().submitBatch(b.id, entries, NO_KEY)).status).toBe('ok');
      expect(await f.valkey.client.call('OBJECT', 'ENCODING', `{lb:${b.id}}:cur:z`)).toBe(
        'skiplist',
      );
      // The model: score desc, c0 asc, c1 desc, then submission order.
      const key = (e: (typeof entries)[number]) => [-e.score, e.subscores[0], -e.subscores[1]];
      const cmp = (x: number[], y: number[]) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
      const sorted = entries
        .map((e, i) => ({ e, i }))
        .sort((x, y) => cmp(key(x.e), key(y.e)) || x.i - y.i);
      let dense = 0;
      const expected = sorted.map(({ e }, i) => {
        const prev = i > 0 ? key(sorted[i - 1].e) : null;
        const fresh = !prev || cmp(prev, key(e)) !== 0;
        if (fresh) dense++;
        return { e, fresh, dense };
      });
      const ranks: number[] = [];
      expected.forEach((x, i) => {
        ranks.push(rankMode === 'dense' ? x.dense : x.fresh ? i + 1 : ranks[i - 1]);
      });
      const got = await rows(b.id);
      expect(got.map((r) => [r[0], r[3]])).toEqual(
        expected.map((x, i) => [x.e.playerId, ranks[i]]),
      );
      for (const offset of [1, 77, 150, 311, 598]) {
        const page = await standings().page(b.id, 'current', offset, 1);
        expect(page.status === 'ok' && page.rows[0].rank).toBe(ranks[offset]);
      }
      const sample = expected.filter((_, i) => i % 41 === 0);
      const found = await standings().players(
        b.id,
        'current',
        sample.map((x) => x.e.playerId),
      );
      expect(found.status === 'ok' && found.rows.map((r) => r.entry?.rank)).toEqual(
        expected.flatMap((_, i) => (i % 41 === 0 ? [ranks[i]] : [])),
      );
    }
  });

  it('is exact for subscores across the whole safe range, in both directions', async () => {
    const values = [MAX, MAX - 1, 2 ** 52 + 1, 2 ** 52, 2 ** 48, 2 ** 48 - 1, 256, 255, 1, 0];
    const all = [...values, ...values.filter((v) => v !== 0).map((v) => -v)];
    const sorted = [...all].sort((x, y) => y - x); // desc: largest first
    for (const order of ['desc', 'asc'] as const) {
      for (const score of [MAX, -MAX, 0]) {
        const b = await board({ sortOrder: 'asc', tiebreakers: cols(order) });
        // Submitted in a scrambled order, all with the same score.
        const scrambled = all
          .map((v, i) => [v, (i * 7) % all.length] as const)
          .sort((p, q) => p[1] - q[1]);
        for (const [v] of scrambled) {
          await submit(b.id, { playerId: `p${v}`, score, subscores: [v] });
        }
        const expected = order === 'desc' ? sorted : [...sorted].reverse();
        const got = await rows(b.id);
        expect(got.map((r) => r[2])).toEqual(expected.map((v) => [v]));
        expect(got.every((r) => r[1] === score)).toBe(true);
      }
    }
  });

  it('stores members as k ‖ columns ‖ sequence ‖ playerId, and keeps boards without columns unchanged', async () => {
    const plain = await board({});
    expect(await f.valkey.client.hexists(`{lb:${plain.id}}:cfg`, 'cols')).toBe(0);
    expect(await f.valkey.client.hexists(`{lb:${plain.id}}:cfg`, 'tiebreakers')).toBe(0);
    await submit(plain.id, { playerId: 'alice', score: 3 });
    const [plainMember] = await f.valkey.client.zrangeBuffer(`{lb:${plain.id}}:cur:z`, '0', '0');
    expect(plainMember.length).toBe(7 + 'alice'.length);

    const b = await board({ tiebreakers: cols('asc', 'desc') });
    expect(await f.valkey.client.hget(`{lb:${b.id}}:cfg`, 'cols')).toBe('ad');
    await submit(b.id, { playerId: 'alice', score: 3, subscores: [-1, 2] });
    const [member] = await f.valkey.client.zrangeBuffer(`{lb:${b.id}}:cur:z`, '0', '0');
    expect(member.length).toBe(7 * 4 + 'alice'.length);
    // desc board: k = -3, a negative: 2^53 - 1 - 3 in 7 bytes (first byte below 0x20)
    expect(member.subarray(0, 7).toString('hex')).toBe(
      (2 ** 53 - 4).toString(16).padStart(14, '0'),
    );
    // asc column -1: negative; desc column 2 is stored as -2
    expect(member.subarray(7, 14).toString('hex')).toBe(
      (2 ** 53 - 2).toString(16).padStart(14, '0'),
    );
    expect(member.subarray(14, 21).toString('hex')).toBe(
      (2 ** 53 - 3).toString(16).padStart(14, '0'),
    );
    expect(member.subarray(28).toString()).toBe('alice');
  });

  it('applies the update modes to the whole tuple', async () => {
    const best = await board({ tiebreakers: cols('asc') });
    await submit(best.id, { playerId: 'p', score: 10, subscores: [5] });
    expect(await submit(best.id, { playerId: 'p', score: 10, subscores: [6] })).toMatchObject({
      updated: false,
      subscores: [5],
    });
    expect(await submit(best.id, { playerId: 'p', score: 10, subscores: [5] })).toMatchObject({
      updated: false,
    });
    expect(await submit(best.id, { playerId: 'p', score: 10, subscores: [4] })).toMatchObject({
      updated: true,
      subscores: [4],
      previousScore: 10,
    });
    expect(await submit(best.id, { playerId: 'p', score: 9, subscores: [-100] })).toMatchObject({
      updated: false,
      score: 10,
      subscores: [4],
    });
    expect(await submit(best.id, { playerId: 'p', score: 11, subscores: [100] })).toMatchObject({
      updated: true,
      score: 11,
      subscores: [100],
    });

    const latest = await board({ updateMode: 'latest', tiebreakers: cols('asc', 'asc') });
    await submit(latest.id, { playerId: 'p', score: 10, subscores: [1, 1] });
    expect(await submit(latest.id, { playerId: 'p', score: 10, subscores: [1, 1] })).toMatchObject({
      updated: false,
    });
    expect(await submit(latest.id, { playerId: 'p', score: 10, subscores: [1, 2] })).toMatchObject({
      updated: true,
      subscores: [1, 2],
    });
    expect(await submit(latest.id, { playerId: 'p', score: 3, subscores: [9, 9] })).toMatchObject({
      updated: true,
      score: 3,
      subscores: [9, 9],
    });

    const inc = await board({ updateMode: 'increment', tiebreakers: cols('desc') });
    await submit(inc.id, { playerId: 'p', score: 10, subscores: [1] });
    // Omitted: kept. Given: replaced. Zero with the same subscores: nothing changes.
    expect(await submit(inc.id, { playerId: 'p', score: 5 })).toMatchObject({
      score: 15,
      subscores: [1],
      updated: true,
    });
    expect(await submit(inc.id, { playerId: 'p', score: 0, subscores: [1] })).toMatchObject({
      updated: false,
    });
    expect(await submit(inc.id, { playerId: 'p', score: 0 })).toMatchObject({ updated: false });
    expect(await submit(inc.id, { playerId: 'p', score: 0, subscores: [7] })).toMatchObject({
      score: 15,
      subscores: [7],
      updated: true,
    });
  });

  it('refuses missing, extra or unexpected subscores and changes nothing', async () => {
    const b = await board({ tiebreakers: cols('asc', 'desc') });
    const plain = await board({});
    const inc = await board({ updateMode: 'increment', tiebreakers: cols('asc') });
    const refusal = async (boardId: string, entry: SubmissionInput) =>
      scores().submit(boardId, entry, NO_KEY);
    expect(await refusal(b.id, { playerId: 'p', score: 1 })).toEqual({
      status: 'bad-subscores',
      reason: 'required',
      columns: 2,
      index: 0,
    });
    expect(await refusal(b.id, { playerId: 'p', score: 1, subscores: [1] })).toMatchObject({
      reason: 'count',
      columns: 2,
    });
    expect(await refusal(b.id, { playerId: 'p', score: 1, subscores: [1, 2, 3] })).toMatchObject({
      reason: 'count',
    });
    expect(await refusal(plain.id, { playerId: 'p', score: 1, subscores: [1] })).toMatchObject({
      reason: 'none',
    });
    expect(await refusal(inc.id, { playerId: 'p', score: 1 })).toMatchObject({
      reason: 'required',
    });
    // A batch names the entry; nothing of it is applied.
    const batch = await scores().submitBatch(
      inc.id,
      [
        { playerId: 'p', score: 1, subscores: [1] },
        { playerId: 'p', score: 1 },
        { playerId: 'q', score: 1 },
      ],
      NO_KEY,
    );
    expect(batch).toMatchObject({ status: 'bad-subscores', reason: 'required', index: 2 });
    for (const id of [b.id, plain.id, inc.id]) {
      expect(await f.valkey.client.keys(`{lb:${id}}:cur:*`)).toEqual([]);
      expect(await f.valkey.client.get(`{lb:${id}}:seq`)).toBeNull();
    }
  });

  it('removes, purges, erases and archives players of a board with columns', async () => {
    const b = await board({ rankMode: 'dense', tiebreakers: cols('desc', 'asc', 'desc') });
    const r = await scores().submitBatch(
      b.id,
      Array.from({ length: 30 }, (_, i) => ({
        playerId: `p${i}`,
        score: i % 3,
        subscores: [i % 2, -i, MAX - i],
        displayName: `P ${i}`,
        metadata: { i },
      })),
      NO_KEY,
    );
    expect(r.status).toBe('ok');
    const before = await rows(b.id);
    expect(before).toHaveLength(30);
    expect(before[0]).toEqual(['p29', 2, [1, -29, MAX - 29], 1]);
    expect(await scores().remove(b.id, 'p29')).toBe('removed');
    expect(await scores().purgeChunk(b.id, 0, 0, 100)).toBe(10);
    expect(await scores().eraseEverywhere(b.id, 'p1')).toEqual(['0000000001']);
    const after = await rows(b.id);
    expect(after.map((e) => e[0])).toEqual(
      before
        .map((e) => e[0])
        .filter((p) => p !== 'p29' && p !== 'p1' && Number(String(p).slice(1)) % 3 !== 0),
    );
    // Dense ranks stay exact after removals: every tuple is distinct here.
    expect(after.map((e) => e[3])).toEqual(after.map((_, i) => i + 1));
    expect(await f.valkey.client.zcard(`{lb:${b.id}}:cur:dz`)).toBe(after.length);

    await new ResetsRepository(f.connections).reset(b.id, '0000000001', null);
    expect(await rows(b.id, { archived: '0000000001' })).toEqual(after);
    const archived = await standings().players(b.id, { archived: '0000000001' }, ['p2']);
    expect(archived.status === 'ok' && archived.rows[0].entry).toMatchObject({
      subscores: [0, -2, MAX - 2],
      displayName: 'P 2',
      metadata: { i: 2 },
    });
    expect(await scores().eraseEverywhere(b.id, 'p2')).toEqual(['0000000001']);
    expect((await rows(b.id, { archived: '0000000001' })).map((e) => e[0])).not.toContain('p2');
  });

  it('reads the subscores at rank indices back from the members for the stats, exactly', async () => {
    const b = await board({ tiebreakers: cols('desc', 'asc') });
    const tuples = [
      [MAX, -MAX],
      [MAX - 1, 2 ** 52 + 1],
      [0, 0],
      [-1, 1],
      [-(2 ** 52) - 1, MAX - 1],
      [-MAX, MAX],
    ];
    for (const [i, subscores] of tuples.entries()) {
      await submit(b.id, { playerId: `p${i}`, score: 7, subscores });
    }
    const probe = await new StatsRepository(f.connections).probe(b.id, [0, 1, 2, 3, 4, 5, 6], []);
    expect(probe?.ks).toEqual(['-7', '-7', '-7', '-7', '-7', '-7', null]);
    expect(probe?.subscores).toEqual([...tuples, null]);
    const plain = await board({});
    await submit(plain.id, { playerId: 'p', score: 1 });
    expect(await new StatsRepository(f.connections).probe(plain.id, [0], [])).not.toHaveProperty(
      'subscores',
    );
  });

  it('gives around-me windows and player reads on a board with columns', async () => {
    const b = await board({ tiebreakers: cols('asc') });
    for (let i = 0; i < 9; i++) {
      await submit(b.id, { playerId: `p${i}`, score: 1, subscores: [8 - i] });
    }
    const around = await standings().around(b.id, 'current', 'p4', 3);
    expect(around.status === 'ok' && around.rows.map((e) => [e.playerId, e.rank])).toEqual([
      ['p5', 4],
      ['p4', 5],
      ['p3', 6],
    ]);
  });
});
