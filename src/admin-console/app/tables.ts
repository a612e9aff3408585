/// <reference lib="dom" />
import type { TiebreakerDto } from './api';
import { type Child, h, num } from './dom';

/** A row of a ranked list: entries, archived entries, results. */
interface Ranked {
  rank: number;
  playerId: string;
  score: number;
  displayName?: string;
  subscores?: number[];
}

/** The player's display name (when set) and id. */
function playerCell(e: Ranked): HTMLElement {
  return h(
    'td',
    {},
    e.displayName ? h('span', {}, e.displayName, ' ') : null,
    h('code', {}, e.playerId),
  );
}

const ORDER_HINT = { desc: 'higher is better', asc: 'lower is better' } as const;

/** A tie-break column as a table shows it (an archive whose board is gone has no order). */
export type Column = { name: string; order?: TiebreakerDto['order'] };

/** A tie-break column's header: its name, its direction on hover. */
const columnHeader = (c: Column, i: number): HTMLElement =>
  h(
    'th',
    {
      class: 'num',
      'data-col': `sub-${i}`,
      title: c.order ? `${c.order}: ${ORDER_HINT[c.order]}` : null,
    },
    c.name,
  );

/** A ranked row's cells: rank, player, score, then its subscores, one per tie-break column. */
export const rankedCells = (e: Ranked, columns: Column[]): HTMLElement[] => [
  h('td', { class: 'num' }, num(e.rank)),
  playerCell(e),
  h('td', { class: 'num' }, num(e.score)),
  ...columns.map((_c, i) =>
    h('td', { class: 'num', 'data-col': `sub-${i}` }, num(e.subscores?.[i])),
  ),
];

/** A ranked table's head: #, Player, Score, the tie-break columns by name, then `more`. */
export const rankedHead = (columns: Column[], ...more: Child[]): HTMLElement =>
  h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', { class: 'num' }, '#'),
      h('th', {}, 'Player'),
      h('th', { class: 'num' }, 'Score'),
      ...columns.map(columnHeader),
      ...more,
    ),
  );

/**
 * "1–25 of 80 players" with previous/next buttons, for a list read `size` at a time; `onPage`
 * gets the new offset.
 */
export function pager(
  page: { offset: number; total: number },
  shown: number,
  noun: string,
  onPage: (offset: number) => void,
  size = 25,
): HTMLElement {
  return h(
    'div',
    { class: 'pager' },
    h(
      'span',
      { class: 'muted' },
      page.total === 0
        ? `0 ${noun}`
        : `${num(page.offset + 1)}–${num(page.offset + shown)} of ${num(page.total)} ${noun}`,
    ),
    page.offset > 0
      ? h(
          'button',
          {
            type: 'button',
            class: 'small secondary',
            onclick: () => onPage(Math.max(0, page.offset - size)),
          },
          '← previous',
        )
      : null,
    page.offset + shown < page.total
      ? h(
          'button',
          { type: 'button', class: 'small secondary', onclick: () => onPage(page.offset + size) },
          'next →',
        )
      : null,
  );
}

/** A table that scrolls sideways inside its panel on a narrow screen; `empty` when no rows. */
export function table(
  id: string,
  headers: string[],
  rows: HTMLElement[],
  empty: string,
): HTMLElement {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { id },
      h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        ...(rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: headers.length }, empty))]),
      ),
    ),
  );
}
