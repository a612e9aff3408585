/// <reference lib="dom" />
import { ValkranError, type PeriodResultsDto } from './api';
import type { ViewContext } from './context';
import { fill, h, num, when } from './dom';
import { type Column, pager, rankedCells, rankedHead } from './tables';

const PAGE = 50;
/** How long the panel waits for results still being written: 20 reads, 1.5 s apart. */
const POLLS = 20;
const POLL_MS = 1500;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A reward as the API stores it, any JSON value: shown as JSON ("—" for none). */
export const rewardText = (reward: unknown): string =>
  reward === undefined ? '—' : JSON.stringify(reward);

function resultsTable(r: PeriodResultsDto, columns: Column[], offset: number): HTMLElement {
  const rows = r.entries.slice(offset, offset + PAGE);
  const tbody = h('tbody');
  for (const e of rows) {
    tbody.append(
      h(
        'tr',
        { 'data-player': e.playerId },
        ...rankedCells(e, columns),
        h(
          'td',
          { 'data-col': 'reward', class: e.reward === undefined ? 'muted' : 'reward' },
          rewardText(e.reward),
        ),
      ),
    );
  }
  if (rows.length === 0)
    tbody.append(h('tr', {}, h('td', { colspan: 4 + columns.length }, 'Nobody scored.')));
  return h(
    'div',
    { class: 'scroll' },
    h('table', { id: 'results-table' }, rankedHead(columns, h('th', {}, 'Reward')), tbody),
  );
}

/**
 * A closed period's results (README "Results and rewards"): its best entries at the close with
 * the reward each got, 50 a page. Until the worker has written them the API answers 404, shown
 * as pending; the panel reads again for ~30 s, and a button reads again on demand.
 */
export function periodResults(
  ctx: ViewContext,
  id: string,
  periodId: string,
  columns: Column[],
): { panel: HTMLElement; load: () => Promise<void> } {
  const body = h('div', { id: 'results' }, 'Loading…');
  let polling = false;

  const show = (r: PeriodResultsDto, offset: number): void => {
    const rewarded = r.entries.filter((e) => e.reward !== undefined).length;
    fill(
      body,
      h(
        'p',
        { class: 'muted', id: 'results-status', 'data-status': 'ready' },
        `${num(r.total)} players at the close (${when(r.closedAt)}); the best ${num(r.entries.length)} listed, ${num(rewarded)} with a reward.`,
      ),
      resultsTable(r, columns, offset),
      pager(
        { offset, total: r.entries.length },
        Math.min(PAGE, r.entries.length - offset),
        'results',
        (o) => show(r, o),
        PAGE,
      ),
    );
  };

  const pending = (): void => {
    fill(
      body,
      h(
        'p',
        { class: 'muted', id: 'results-status', 'data-status': 'pending' },
        'Results pending: the worker writes them right after the period closes (a worker must be running).',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'small secondary',
          id: 'results-refresh',
          onclick: () => void load().catch(failed),
        },
        'Refresh',
      ),
    );
  };

  const failed = (err: unknown): void => {
    if (ctx.current())
      fill(body, h('p', { class: 'form-error' }, err instanceof Error ? err.message : String(err)));
  };

  /** One read: true once the results are shown, false while they are pending (404). */
  const read = async (): Promise<boolean> => {
    try {
      const r = await ctx.api.results(id, periodId);
      if (ctx.current()) show(r, 0);
      return true;
    } catch (err) {
      if (!(err instanceof ValkranError && err.status === 404)) throw err;
      if (ctx.current()) pending();
      return false;
    }
  };

  async function load(): Promise<void> {
    if (await read()) return;
    if (polling) return;
    polling = true;
    try {
      for (let i = 0; i < POLLS && ctx.current(); i++) {
        await sleep(POLL_MS);
        if (!ctx.current() || (await read())) return;
      }
    } finally {
      polling = false;
    }
  }

  const panel = h(
    'section',
    { class: 'panel', id: 'results-panel' },
    h('h2', {}, 'Results and rewards'),
    body,
  );
  return { panel, load: () => load().catch(failed) };
}
