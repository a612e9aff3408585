/// <reference lib="dom" />
import type { BoardStandingDto, PlayerStandingsDto } from './api';
import { boardHref } from './boards-view';
import type { ViewContext } from './context';
import { fill, h, num } from './dom';

const PAGE = 50;

function row(s: BoardStandingDto, here: string | undefined): HTMLElement {
  return h(
    'tr',
    { 'data-board': s.leaderboardId, class: s.leaderboardId === here ? 'current' : null },
    h('td', {}, h('a', { href: boardHref(s.leaderboardId) }, s.leaderboardId)),
    h('td', { class: 'num', 'data-col': 'rank' }, `#${num(s.rank)} of ${num(s.total)}`),
    h('td', { class: 'num', 'data-col': 'score' }, num(s.score)),
    h(
      'td',
      { class: 'num', 'data-col': 'subscores' },
      s.subscores ? s.subscores.map((v) => num(v)).join(' · ') : '',
    ),
    h('td', { class: 'num' }, `${s.topPercent.toFixed(2)}%`),
    h('td', {}, s.tier ?? ''),
    h('td', { class: 'muted wide-only' }, s.periodId),
  );
}

function table(page: PlayerStandingsDto, here: string | undefined): HTMLElement {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { id: 'standings-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Board'),
          h('th', { class: 'num' }, 'Rank'),
          h('th', { class: 'num' }, 'Score'),
          h('th', { class: 'num', title: "the board's tie-break columns, in order" }, 'Tie-breaks'),
          h('th', { class: 'num' }, 'Top'),
          h('th', {}, 'Tier'),
          h('th', { class: 'wide-only' }, 'Period'),
        ),
      ),
      h('tbody', {}, ...page.entries.map((s) => row(s, here))),
    ),
  );
}

/**
 * Where a player stands now on every board (GET /v1/players/{playerId}/standings), each board a
 * link to its page, 50 boards a page. `here`: the board the operator is on, marked in the list;
 * `onError`: where a refusal goes (a form shows a 400 beside its field), else in place.
 */
export function playerStandings(
  ctx: ViewContext,
  playerId: string,
  here?: string,
  onError?: (err: unknown) => void,
): HTMLElement {
  const el = h('div', { id: 'player-standings', class: 'standings' }, 'Loading…');
  const load = async (offset: number): Promise<void> => {
    const page = await ctx.api.standings(playerId, offset, PAGE);
    if (!ctx.current()) return;
    const pager = (label: string, to: number): HTMLElement =>
      h(
        'button',
        {
          type: 'button',
          class: 'small secondary',
          onclick: () => void load(to).catch(failed),
        },
        label,
      );
    fill(
      el,
      h(
        'h4',
        {},
        `${playerId} on every board`,
        h('span', { class: 'muted', 'data-total': page.total }, ` (${num(page.total)})`),
      ),
      page.total === 0
        ? h('p', { class: 'muted' }, 'Not on any board in the current period.')
        : table(page, here),
      page.total > page.entries.length
        ? h(
            'div',
            { class: 'pager' },
            h(
              'span',
              { class: 'muted' },
              `${num(offset + 1)}–${num(offset + page.entries.length)} of ${num(page.total)}`,
            ),
            offset > 0 ? pager('← previous', Math.max(0, offset - PAGE)) : null,
            offset + page.entries.length < page.total ? pager('next →', offset + PAGE) : null,
          )
        : null,
    );
  };
  const failed = (err: unknown): void => {
    if (!ctx.current()) return;
    if (onError) {
      el.replaceChildren();
      onError(err);
    } else {
      fill(el, h('p', { class: 'form-error' }, err instanceof Error ? err.message : String(err)));
    }
  };
  void load(0).catch(failed);
  return el;
}
