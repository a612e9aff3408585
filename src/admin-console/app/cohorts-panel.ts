/// <reference lib="dom" />
import type { BoardDto, CohortPageDto, MovementsDto } from './api';
import type { ViewContext } from './context';
import { fill, h, num } from './dom';
import { pager, table } from './tables';

const PAGE = 25;

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function cohortEntriesTable(page: CohortPageDto): HTMLElement {
  return table(
    'cohort-entries-table',
    ['#', 'Player', 'Score'],
    page.entries.map((e) =>
      h(
        'tr',
        { 'data-player': e.playerId },
        h('td', { class: 'num' }, num(e.rank)),
        h(
          'td',
          {},
          e.displayName ? h('span', {}, e.displayName, ' ') : null,
          h('code', {}, e.playerId),
        ),
        h('td', { class: 'num' }, num(e.score)),
      ),
    ),
    'No entries.',
  );
}

function movementsTable(m: MovementsDto): HTMLElement {
  return table(
    'movements-table',
    ['Player', 'From', 'To', 'Cohort', 'Rank in cohort'],
    m.movements.map((mv) =>
      h(
        'tr',
        { 'data-player': mv.playerId },
        h('td', {}, h('code', {}, mv.playerId)),
        h('td', {}, mv.from),
        h('td', {}, mv.to),
        h('td', { class: 'num' }, num(mv.cohortId)),
        h('td', { class: 'num' }, num(mv.cohortRank)),
      ),
    ),
    'Nobody moved.',
  );
}

/**
 * A cohort board's cohorts (README "Cohorts and leagues"): players per league (current period),
 * the cohorts a page at a time, a cohort's entries on click, and for an archived period
 * (`periodId`) its promotions and demotions. Null for a board without cohorts.
 */
export function cohortsPanel(
  ctx: ViewContext,
  board: BoardDto,
  periodId?: string,
): { panel: HTMLElement; load: () => Promise<void> } | null {
  if (board.cohortSize === null) return null;
  const id = board.id;
  const hasLeagues = board.leagues.length > 0;
  const leagues = h('div', { id: 'league-counts' });
  const list = h('div', { id: 'cohorts' }, 'Loading…');
  const entries = h('div', { id: 'cohort-entries' });
  const movements = h('div', { id: 'movements' });
  const show = (el: HTMLElement) => (err: unknown) => {
    if (ctx.current()) fill(el, h('p', { class: 'form-error' }, errorText(err)));
  };

  const loadEntries = async (cohortId: number, offset: number): Promise<void> => {
    const page = await ctx.api.cohortEntries(id, cohortId, offset, PAGE, periodId);
    if (!ctx.current()) return;
    fill(
      entries,
      h(
        'h3',
        { id: 'cohort-title' },
        `Cohort ${page.cohortId}`,
        page.league ? ` · ${page.league}` : '',
      ),
      cohortEntriesTable(page),
      pager(page, page.entries.length, 'players', (o) => {
        void loadEntries(cohortId, o).catch(show(entries));
      }),
    );
  };

  const loadList = async (offset: number): Promise<void> => {
    const page = await ctx.api.cohorts(id, offset, PAGE, periodId);
    if (!ctx.current()) return;
    fill(
      list,
      table(
        'cohorts-table',
        hasLeagues ? ['Cohort', 'League', 'Players'] : ['Cohort', 'Players'],
        page.cohorts.map((c) =>
          h(
            'tr',
            { 'data-cohort': c.cohortId },
            h(
              'td',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: 'small secondary',
                  'aria-label': `Show cohort ${c.cohortId}`,
                  onclick: () => void loadEntries(c.cohortId, 0).catch(show(entries)),
                },
                `#${c.cohortId}`,
              ),
            ),
            hasLeagues ? h('td', {}, c.league ?? '') : null,
            h('td', { class: 'num' }, num(c.size)),
          ),
        ),
        'No cohorts yet: players are placed at their first submit of the period.',
      ),
      pager(page, page.cohorts.length, 'cohorts', (o) => void loadList(o).catch(show(list))),
    );
  };

  const loadLeagues = async (): Promise<void> => {
    const counts = await ctx.api.leagues(id);
    if (!ctx.current()) return;
    fill(
      leagues,
      h(
        'dl',
        { class: 'config', id: 'league-counts-list' },
        ...counts.leagues.flatMap((l) => [
          h('dt', {}, l.name),
          h('dd', { 'data-league': l.name }, `${num(l.players)} players`),
        ]),
      ),
      counts.pendingPeriods > 0
        ? h(
            'p',
            { class: 'muted' },
            `${num(counts.pendingPeriods)} closed period(s) still being applied.`,
          )
        : null,
    );
  };

  const loadMovements = async (offset: number): Promise<void> => {
    if (periodId === undefined) return;
    const m = await ctx.api.movements(id, periodId, offset, PAGE);
    if (!ctx.current()) return;
    fill(
      movements,
      m.settled ? null : h('p', { class: 'muted' }, 'Still being applied by the reset job.'),
      movementsTable(m),
      pager(m, m.movements.length, 'movements', (o) => {
        void loadMovements(o).catch(show(movements));
      }),
    );
  };

  const panel = h(
    'section',
    { class: 'panel', id: 'cohorts-panel' },
    h('h2', {}, periodId === undefined ? 'Cohorts' : `Cohorts of period ${periodId}`),
    h(
      'p',
      { class: 'muted' },
      `${num(board.cohortSize)} players per cohort`,
      hasLeagues ? `; leagues ${board.leagues.map((l) => l.name).join(' < ')}` : '',
    ),
    hasLeagues && periodId === undefined
      ? h('div', {}, h('h3', {}, 'Players per league'), leagues)
      : null,
    list,
    entries,
    hasLeagues && periodId !== undefined
      ? h('div', {}, h('h3', {}, 'Promotions and demotions'), movements)
      : null,
  );
  const load = async (): Promise<void> => {
    await Promise.all([
      loadList(0).catch(show(list)),
      hasLeagues && periodId === undefined ? loadLeagues().catch(show(leagues)) : null,
      hasLeagues && periodId !== undefined ? loadMovements(0).catch(show(movements)) : null,
    ]);
  };
  return { panel, load };
}
