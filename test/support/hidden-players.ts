import { aroundStart } from '../../src/leaderboard/rank-maths';
import type { AppFixture } from './fixture';
import { ModelConfig, ReferenceBoard } from './reference-model';

/** The fields of a read's entry that the reference model predicts. */
export interface Row {
  playerId: string;
  rank: number;
  score: number;
  subscores?: number[];
}

/** Entries as the model ranks them: the predicted fields only. */
export const rowsOf = (entries: Row[]): Row[] =>
  entries.map(({ playerId, rank, score, subscores }) => ({
    playerId,
    rank,
    score,
    ...(subscores ? { subscores } : {}),
  }));

/** What the helpers below need of a fixture: its HTTP client (a cluster test has no AppFixture). */
export type Api = Pick<AppFixture, 'api'>;

/** `PUT /v1/players/{playerId}/hidden` with `body`, as an admin; the response as it came. */
export const setHidden = (f: Api, playerId: string, body: unknown) =>
  f.api.admin('PUT', `/v1/players/${encodeURIComponent(playerId)}/hidden`, body);

/** Up to 1000 entries of a board (`path` under it: the current period's by default). */
export async function entriesPage(
  f: Api,
  id: string,
  path = 'entries',
): Promise<{ total: number; entries: Row[] }> {
  const res = await f.api.get(`/v1/leaderboards/${id}/${path}?limit=1000`);
  expect(res.status).toBe(200);
  return res.body as { total: number; entries: Row[] };
}

/** Board settings as `config` says (tie-break columns c0, c1, …). */
export function boardSettings(config: ModelConfig): Record<string, unknown> {
  const columns = config.tiebreakers ?? [];
  return {
    sortOrder: config.sortOrder,
    updateMode: config.updateMode,
    rankMode: config.rankMode,
    minScore: config.minScore,
    maxScore: config.maxScore,
    ...(columns.length
      ? { tiebreakers: columns.map((order, i) => ({ name: `c${i}`, order })) }
      : {}),
  };
}

/** A player's around-me window of `limit` rows. */
export async function aroundOf(
  f: Api,
  id: string,
  playerId: string,
  limit: number,
): Promise<{ total: number; entries: Row[] }> {
  const res = await f.api.get(`/v1/leaderboards/${id}/players/${playerId}/around?limit=${limit}`);
  expect(res.status).toBe(200);
  return res.body as { total: number; entries: Row[] };
}

/** A lookup of several players (the friends' list read). */
export async function lookupOf(
  f: Api,
  id: string,
  playerIds: string[],
): Promise<{ total: number; entries: Row[]; missing: string[] }> {
  const res = await f.api.request('POST', `/v1/leaderboards/${id}/players/lookup`, {
    body: { playerIds },
  });
  expect(res.status).toBe(200);
  return res.body as { total: number; entries: Row[]; missing: string[] };
}

/** A board set up as `config` says and its reference model. */
export async function boardWithModel(
  f: AppFixture,
  config: ModelConfig,
): Promise<{ id: string; model: ReferenceBoard }> {
  const id = await f.board(boardSettings(config));
  return { id, model: new ReferenceBoard(config) };
}

/** Every rank mode, both orders, with and without tie-break columns: six boards' settings. */
export const HIDDEN_MODEL_CONFIGS: ModelConfig[] = [
  { sortOrder: 'desc', updateMode: 'best', rankMode: 'ordinal', minScore: -1e6, maxScore: 1e6 },
  {
    sortOrder: 'asc',
    updateMode: 'latest',
    rankMode: 'competition',
    minScore: -1e6,
    maxScore: 1e6,
  },
  { sortOrder: 'desc', updateMode: 'best', rankMode: 'dense', minScore: -1e6, maxScore: 1e6 },
  {
    sortOrder: 'desc',
    updateMode: 'best',
    rankMode: 'competition',
    minScore: -1e6,
    maxScore: 1e6,
    tiebreakers: ['desc', 'asc'],
  },
  {
    sortOrder: 'desc',
    updateMode: 'latest',
    rankMode: 'dense',
    minScore: -1e6,
    maxScore: 1e6,
    tiebreakers: ['asc'],
  },
  {
    sortOrder: 'asc',
    updateMode: 'best',
    rankMode: 'ordinal',
    minScore: -1e6,
    maxScore: 1e6,
    tiebreakers: ['desc'],
  },
];

/**
 * Checks a board against its model while `hidden` are hidden: the page lists exactly the
 * others, ranked among themselves, and each hidden player's own read ranks them as if they alone
 * were visible besides the others.
 */
export async function expectHiddenView(
  f: Api,
  id: string,
  model: ReferenceBoard,
  hidden: ReadonlySet<string>,
): Promise<void> {
  const others = model.ranked((p) => !hidden.has(p));
  const visible = await entriesPage(f, id);
  expect(visible.total).toBe(others.length);
  expect(rowsOf(visible.entries)).toEqual(others);
  for (const p of hidden) {
    const view = model.ranked((q) => !hidden.has(q) || q === p);
    const res = await f.api.get(`/v1/leaderboards/${id}/players/${p}`);
    expect(res.status).toBe(200);
    expect(rowsOf([res.body as Row])).toEqual(view.filter((r) => r.playerId === p));
    expect(res.body.total).toBe(view.length);
  }
}

/**
 * expectHiddenView (every hidden player is on the board), plus every other read: a lookup of
 * every player lists the visible ones and has the hidden ones `missing`, each hidden player's
 * around-me windows are the model's with them alone added, and each visible player's own read
 * and around-me window never count the hidden.
 */
export async function expectHiddenReads(
  f: Api,
  id: string,
  model: ReferenceBoard,
  hidden: ReadonlySet<string>,
): Promise<void> {
  await expectHiddenView(f, id, model, hidden);
  const others = model.ranked((p) => !hidden.has(p));
  const all = await lookupOf(
    f,
    id,
    model.ranked().map((r) => r.playerId),
  );
  expect(all.total).toBe(others.length);
  expect(rowsOf(all.entries)).toEqual(others);
  expect(all.missing.sort()).toEqual([...hidden].sort());
  for (const p of hidden) {
    const view = model.ranked((q) => !hidden.has(q) || q === p);
    const mine = view.find((r) => r.playerId === p)!;
    for (const limit of [1, 3, 4, 100]) {
      const start = aroundStart(view.indexOf(mine), limit, view.length);
      const w = await aroundOf(f, id, p, limit);
      expect(w.total).toBe(view.length);
      expect(rowsOf(w.entries)).toEqual(view.slice(start, start + limit));
    }
  }
  for (const mine of others) {
    const res = await f.api.get(`/v1/leaderboards/${id}/players/${mine.playerId}`);
    expect(res.body).toMatchObject({ rank: mine.rank, total: others.length });
  }
  if (others.length) {
    const w = await aroundOf(f, id, others[0].playerId, 100);
    expect(w.total).toBe(others.length);
    expect(rowsOf(w.entries)).toEqual(others);
  }
}
