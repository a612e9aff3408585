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

/** `PUT /v1/players/{playerId}/hidden` with `body`, as an admin; the response as it came. */
export const setHidden = (f: AppFixture, playerId: string, body: unknown) =>
  f.api.admin('PUT', `/v1/players/${encodeURIComponent(playerId)}/hidden`, body);

/** Up to 1000 entries of a board (`path` under it: the current period's by default). */
export async function entriesPage(
  f: AppFixture,
  id: string,
  path = 'entries',
): Promise<{ total: number; entries: Row[] }> {
  const res = await f.api.get(`/v1/leaderboards/${id}/${path}?limit=1000`);
  expect(res.status).toBe(200);
  return res.body as { total: number; entries: Row[] };
}

/** A board set up as `config` says (tie-break columns c0, c1, …) and its reference model. */
export async function boardWithModel(
  f: AppFixture,
  config: ModelConfig,
): Promise<{ id: string; model: ReferenceBoard }> {
  const columns = config.tiebreakers ?? [];
  const id = await f.board({
    sortOrder: config.sortOrder,
    updateMode: config.updateMode,
    rankMode: config.rankMode,
    minScore: config.minScore,
    maxScore: config.maxScore,
    ...(columns.length
      ? { tiebreakers: columns.map((order, i) => ({ name: `c${i}`, order })) }
      : {}),
  });
  return { id, model: new ReferenceBoard(config) };
}

/**
 * Checks a board against its model while `hidden` are hidden: the page lists exactly the
 * others, ranked among themselves, and each hidden player's own read ranks them as if they alone
 * were visible besides the others.
 */
export async function expectHiddenView(
  f: AppFixture,
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
