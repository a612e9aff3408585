import { BoardsRepository } from '../../src/leaderboard/boards.repository';
import { ResetsRepository } from '../../src/ranking-jobs/resets/resets.repository';
import {
  ResultsHeader,
  ResultsRepository,
} from '../../src/ranking-jobs/results/results.repository';
import { ScoresRepository } from '../../src/scores/scores.repository';
import { NO_KEY, useRepositories } from '../support/repositories';

const P1 = '0000000001';

describe('ResultsRepository (write-results, finish-results, erase-results against real Valkey)', () => {
  const f = useRepositories('results');
  const repo = () => new ResultsRepository(f.connections);
  const resets = () => new ResetsRepository(f.connections);
  const submit = (boardId: string, playerId: string, score: number) =>
    new ScoresRepository(f.connections).submit(boardId, { playerId, score }, NO_KEY);
  const header = (boardId: string): ResultsHeader => ({
    leaderboardId: boardId,
    periodId: P1,
    startedAt: 1,
    closedAt: 2,
    total: 2,
    rewards: [{ fromRank: 1, toRank: 1, reward: 'gold' }],
  });
  const entries = [
    { i: 0, rank: 1, playerId: 'a', score: 9, r: 0 },
    { i: 1, rank: 2, playerId: 'b', score: 5, displayName: 'Bee' },
  ];

  it('records a closed period as pending with the rewards of the close', async () => {
    const rewards = [{ fromRank: 1, toRank: 2, reward: { gems: 9007199254740991 } }];
    const board = await f.board({ rewards, resultsTop: 7 });
    await resets().reset(board.id, P1, null);
    await new BoardsRepository(f.connections).update(board.id, { rewards: [], resultsTop: 1 });
    expect(await repo().pending(board.id)).toEqual([
      { periodId: P1, generation: board.createdAt, resultsTop: 7, rewards },
    ]);
    expect(await repo().pendingOne(board.id, P1)).toMatchObject({ resultsTop: 7 });
    expect(await repo().pendingOne(board.id, '0000000002')).toBeNull();
  });

  it('writes results once, only for an archived period of the right generation and size', async () => {
    const board = await f.board();
    await submit(board.id, 'a', 9);
    await submit(board.id, 'b', 5);
    expect(await repo().write(board.createdAt, header(board.id), 2, entries)).toBe('NOT_ARCHIVED');
    await resets().reset(board.id, P1, null);
    expect(await repo().write(board.createdAt + 1, header(board.id), 2, entries)).toBe('NOT_FOUND');
    expect(await repo().write(board.createdAt, header(board.id), 3, entries)).toBe('CHANGED');
    expect(await repo().read(board.id, P1)).toBeNull();
    expect(await repo().write(board.createdAt, header(board.id), 2, entries)).toBe('WRITTEN');
    const other = [{ i: 0, rank: 1, playerId: 'z', score: 1 }];
    expect(await repo().write(board.createdAt, header(board.id), 2, other)).toBe('EXISTS');
    expect(await repo().read(board.id, P1)).toEqual({ header: header(board.id), entries });
  });

  it('writes thousands of entries (in chunks) and reads them back in order', async () => {
    const board = await f.board();
    await resets().reset(board.id, P1, null);
    const many = Array.from({ length: 2500 }, (_, i) => ({
      i,
      rank: i + 1,
      playerId: `p${2500 - i}`,
      score: 2500 - i,
    }));
    expect(await repo().write(board.createdAt, header(board.id), 0, many)).toBe('WRITTEN');
    expect((await repo().read(board.id, P1))!.entries).toEqual(many);
  });

  it('finishes a pending period only for its generation', async () => {
    const board = await f.board();
    await resets().reset(board.id, P1, null);
    expect(await repo().finish(board.id, P1, board.createdAt + 1)).toBe(false);
    expect(await repo().finish(board.id, P1, board.createdAt)).toBe(true);
    expect(await repo().finish(board.id, P1, board.createdAt)).toBe(false);
    expect(await repo().pending(board.id)).toEqual([]);
  });

  it('erases a player from every stored result of the board', async () => {
    const board = await f.board();
    await submit(board.id, 'a', 9);
    await resets().reset(board.id, P1, null);
    await repo().write(board.createdAt, header(board.id), 1, entries);
    await resets().reset(board.id, '0000000002', null);
    expect(await repo().erasePlayer(board.id, 'a')).toEqual([P1]);
    expect(await repo().erasePlayer(board.id, 'a')).toEqual([]);
    expect((await repo().read(board.id, P1))!.entries.map((e) => e.playerId)).toEqual(['b']);
  });

  it('is unlinked with its period by the pruning, and with the board by its deletion', async () => {
    const board = await f.board();
    await resets().reset(board.id, P1, null);
    await repo().write(board.createdAt, header(board.id), 0, entries);
    await repo().finish(board.id, P1, board.createdAt);
    expect(await resets().pruneOne(board.id, 0)).toBe(P1);
    expect(await repo().read(board.id, P1)).toBeNull();

    const doomed = await f.board();
    await resets().reset(doomed.id, P1, null);
    await repo().write(doomed.createdAt, header(doomed.id), 0, entries);
    await new BoardsRepository(f.connections).delete(doomed.id);
    await repo().drop(doomed.id);
    expect(await f.valkey.client.keys(`{lb:${doomed.id}}:*`)).toEqual([]);
  });
});
