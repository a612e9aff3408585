import { useApp } from './support/fixture';
import { commandStats } from './support/valkey';

/**
 * Submits run as a Valkey Function (FCALL; see LuaScript's `asFunction`): its library is loaded
 * when a node has none, for example after `FUNCTION FLUSH` or a restart from a snapshot without
 * it, and the answers are those of the script.
 */
describe('submits as a Valkey Function (e2e)', () => {
  const f = useApp({}, 'fn');

  const calls = async (command: string): Promise<number> =>
    (await commandStats(f.valkey.client, command)).calls;
  const libraries = async (): Promise<string[]> => {
    const list = (await f.valkey.client.call('FUNCTION', 'LIST')) as unknown[][];
    // Sorted by name without the code hash: the hash decides nothing about the order here.
    const name = (lib: string) => lib.replace(/_[0-9a-f]{12}$/, '');
    return list.map((lib) => String(lib[1])).sort((a, b) => name(a).localeCompare(name(b)));
  };

  it('loads its library when Valkey has none, and answers as before', async () => {
    const id = await f.board({ updateMode: 'increment' });
    await f.valkey.client.call('FUNCTION', 'FLUSH');
    await f.valkey.client.call('CONFIG', 'RESETSTAT');
    const first = await f.api.submit(id, { playerId: 'a', score: 5 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ score: 5, rank: 1, previousScore: null, updated: true });
    expect(await libraries()).toEqual([expect.stringMatching(/^valkran_submit_[0-9a-f]{12}$/)]);

    const batch = await f.api.batch(id, [
      { playerId: 'a', score: 2 },
      { playerId: 'b', score: 9 },
    ]);
    expect(batch.status).toBe(200);
    expect(batch.body.results).toMatchObject([
      { playerId: 'a', score: 7, previousScore: 5, rank: 1 }, // ranked as it was applied
      { playerId: 'b', score: 9, previousScore: null, rank: 1 },
    ]);
    expect(await libraries()).toEqual([
      expect.stringMatching(/^valkran_submit_[0-9a-f]{12}$/),
      expect.stringMatching(/^valkran_submit_batch_[0-9a-f]{12}$/),
    ]);
    // Both went by FCALL: each refused once for want of its library, then answered.
    expect(await calls('fcall')).toBe(4);
    expect(await calls('evalsha')).toBe(0);

    // Gone again (say, Valkey restarted from an older snapshot): loaded again, nothing lost.
    await f.valkey.client.call('FUNCTION', 'FLUSH');
    const again = await f.api.submit(id, { playerId: 'b', score: 1 });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ score: 10, previousScore: 9, rank: 1 });
    const page = await f.api.get(`/v1/leaderboards/${id}/entries`);
    expect(
      page.body.entries.map((e: { playerId: string; score: number }) => [e.playerId, e.score]),
    ).toEqual([
      ['b', 10],
      ['a', 7],
    ]);
  });
});
