import { Logger } from '@nestjs/common';
import { loadConfig } from '../../src/config/app-config';
import { Board, defaultSettings, FIRST_PERIOD_ID } from '../../src/leaderboard/board';
import { BoardsRepository } from '../../src/leaderboard/boards.repository';
import type { Fingerprint } from '../../src/scores/fingerprint';
import { ValkeyConnections } from '../../src/valkey/valkey-connections';
import { startValkey, TestValkey } from './valkey';

/** No Idempotency-Key: the fingerprint a plain submission carries. */
export const NO_KEY: Fingerprint = { keyDigest: '', bodyDigest: '' };

export interface RepoFixture {
  valkey: TestValkey;
  /** What every repository takes: the process's connections, pointed at the test server. */
  connections: ValkeyConnections;
  boards: BoardsRepository;
  /** A board id not used before in this file (`<prefix><n>`). */
  id(): string;
  /** Creates a board with a fresh id through BoardsRepository; returns what was stored. */
  board(settings?: Partial<Board>): Promise<Board>;
}

let generation = Date.now();

/** A complete board as BoardsService would build it; each one gets its own generation. */
export function boardOf(id: string, settings: Partial<Board> = {}): Board {
  // createdAt is the board's generation: unique per board, so a re-created board differs.
  const createdAt = ++generation;
  return {
    ...defaultSettings(id),
    id,
    createdAt,
    periodId: FIRST_PERIOD_ID,
    periodStartedAt: createdAt,
    ...settings,
  };
}

/**
 * One real valkey-server and a `ValkeyConnections` on it for a repository test file: started
 * before its tests, closed and removed after. Repositories are built with `new` on
 * `f.connections`; fields are filled in by `beforeAll`, so read them inside tests.
 */
export function useRepositories(prefix: string): RepoFixture {
  let n = 0;
  const f = {} as RepoFixture;
  f.id = () => `${prefix}${++n}`;
  f.board = async (settings = {}) => {
    const board = boardOf(f.id(), settings);
    if (!(await f.boards.create(board))) throw new Error(`board ${board.id} already existed`);
    return board;
  };
  beforeAll(async () => {
    // No app sets up logging here: keep Nest's console logger to warnings and errors.
    Logger.overrideLogger(['error', 'warn']);
    f.valkey = await startValkey();
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        VALKEY_URL: f.valkey.url,
        LOG_LEVEL: 'silent',
        // Generous: a loaded CI machine runs the other tiers beside this one.
        VALKEY_COMMAND_TIMEOUT_MS: '10000',
      },
      [],
    );
    f.connections = new ValkeyConnections(config, f.valkey.url);
    await f.connections.waitReady();
    f.boards = new BoardsRepository(f.connections);
  }, 30000);
  afterAll(async () => {
    await f.connections?.close();
    await f.valkey?.stop();
  });
  return f;
}
