/// <reference lib="dom" />
import {
  fieldError,
  ValkranError,
  type BoardDto,
  type EntryDto,
  type PageDto,
  type StatsDto,
} from './api';
import { boardHref, boardState } from './boards-view';
import { statsChart } from './chart';
import { cohortsPanel } from './cohorts-panel';
import type { ViewContext } from './context';
import { fill, h, num, when } from './dom';
import {
  clearErrors,
  field,
  formMessage,
  integerOrText,
  showOk,
  showProblem,
  value,
} from './forms';
import { duration } from './instants';
import { playerModeration } from './player-moderation';
import { periodResults, rewardText } from './period-results';
import { playerStandings } from './player-standings';
import { type Column, rankedCells, rankedHead } from './tables';
import { isTournament, PHASE_LABEL, tournamentState } from './tournament';

const PAGE = 25;

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A page of entries with previous/next links, a column per tie-break column of the board
 * (headed by its name); `action` may add a cell (Remove).
 */
function entriesTable(
  id: string,
  page: PageDto,
  columns: Column[],
  onPage: (offset: number) => void,
  action?: (e: EntryDto) => HTMLElement,
): HTMLElement {
  const tbody = h('tbody');
  for (const e of page.entries) {
    tbody.append(
      h(
        'tr',
        { 'data-player': e.playerId },
        ...rankedCells(e, columns),
        h('td', { class: 'muted updated' }, when(e.updatedAt)),
        action ? h('td', {}, action(e)) : null,
      ),
    );
  }
  if (page.entries.length === 0) {
    tbody.append(
      h('tr', {}, h('td', { colspan: 4 + columns.length + (action ? 1 : 0) }, 'No entries.')),
    );
  }
  const pager = h(
    'div',
    { class: 'pager' },
    h(
      'span',
      { class: 'muted' },
      page.total === 0
        ? '0 entries'
        : `${num(page.offset + 1)}–${num(page.offset + page.entries.length)} of ${num(page.total)}`,
    ),
    page.offset > 0
      ? h(
          'button',
          {
            type: 'button',
            class: 'small secondary',
            onclick: () => onPage(Math.max(0, page.offset - PAGE)),
          },
          '← previous',
        )
      : null,
    page.offset + page.entries.length < page.total
      ? h(
          'button',
          { type: 'button', class: 'small secondary', onclick: () => onPage(page.offset + PAGE) },
          'next →',
        )
      : null,
  );
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { id: `${id}-table` },
        rankedHead(
          columns,
          h('th', { class: 'updated' }, 'Updated'),
          action ? h('th', {}, '') : null,
        ),
        tbody,
      ),
    ),
    pager,
  );
}

function configList(b: BoardDto): HTMLElement {
  const row = (k: string, v: string | Node): HTMLElement[] => [h('dt', {}, k), h('dd', {}, v)];
  return h(
    'dl',
    { class: 'config', id: 'board-config' },
    ...row('Title', b.title),
    ...row('Members', num(b.memberCount)),
    ...row('Modes', `${b.sortOrder} · ${b.updateMode} · ${b.rankMode}`),
    ...row('State', boardState(b)),
    ...row('Period', `${b.period.id} since ${when(b.period.startedAt)}`),
    ...row('Next reset', when(b.nextResetAt)),
    ...row('Scores', `${num(b.minScore)} to ${num(b.maxScore)}`),
    ...row('Periods kept', String(b.retainPeriods)),
    ...row(
      'Tiers',
      b.tiers.length === 0
        ? 'none'
        : b.tiers.map((t) => `${t.name} top ${t.topPercent}%`).join(', '),
    ),
    ...row(
      'Tie-breaks',
      b.tiebreakers.length === 0
        ? 'none (first to reach the score)'
        : b.tiebreakers.map((c) => `${c.name} (${c.order})`).join(', '),
    ),
    ...row('Results', `best ${num(b.resultsTop)} of each closed period`),
    ...row(
      'Rewards',
      b.rewards.length === 0
        ? 'none'
        : b.rewards.map((r) => `${r.fromRank}–${r.toRank}: ${rewardText(r.reward)}`).join(', '),
    ),
  );
}

/**
 * A tournament board's rules and where it stands now (by this browser's clock; the server
 * decides by Valkey's): not started, running, closed until the next period, or ended, and when
 * submissions next open or stop. The API has no count of seats taken, so seats are the limit.
 */
function tournamentPanel(b: BoardDto): HTMLElement | null {
  if (!isTournament(b)) return null;
  const state = tournamentState(b, Date.now());
  const at = (ms: number | null): string => (ms === null ? '—' : when(new Date(ms).toISOString()));
  const row = (k: string, v: string, col?: string): HTMLElement[] => [
    h('dt', {}, k),
    h('dd', col ? { 'data-col': col } : {}, v),
  ];
  return h(
    'section',
    { class: 'panel', id: 'tournament', 'data-phase': state.phase },
    h('h2', {}, 'Tournament'),
    h(
      'dl',
      { class: 'config' },
      ...row('State', PHASE_LABEL[state.phase], 'phase'),
      ...(state.opensAt !== null ? row('Opens', at(state.opensAt), 'opens') : []),
      ...row(
        'Next close',
        state.closesAt === null
          ? state.phase === 'ended'
            ? '—'
            : 'none scheduled'
          : at(state.closesAt),
        'closes',
      ),
      ...row('Starts', when(b.startsAt), 'starts'),
      ...row('Ends', when(b.endsAt), 'ends'),
      ...row(
        'Window',
        b.activeFor === null ? 'whole period' : `${duration(b.activeFor)} per period`,
      ),
      ...row('Join required', b.joinRequired ? 'yes' : 'no'),
      ...row(
        'Seats',
        b.maxPlayers === null ? 'unlimited' : `${num(b.maxPlayers)} per period`,
        'seats',
      ),
      ...row(
        'Attempts',
        b.maxAttempts === null ? 'unlimited' : `${num(b.maxAttempts)} per player and period`,
        'attempts',
      ),
    ),
  );
}

function statsBody(stats: StatsDto): HTMLElement {
  if (stats.status === 'pending') {
    return h(
      'p',
      { class: 'muted', id: 'stats-status', 'data-status': 'pending' },
      'Not computed yet for this period: the ranking job runs shortly after writes (a worker must be running).',
    );
  }
  const p = stats.percentiles;
  return h(
    'div',
    { id: 'stats-status', 'data-status': 'ready' },
    h(
      'p',
      { class: 'muted' },
      `${num(stats.total)} players, ${num(stats.minScore)} to ${num(stats.maxScore)}, computed ${when(stats.computedAt)}`,
    ),
    statsChart(stats),
    h(
      'dl',
      { class: 'config', id: 'percentiles' },
      h('dt', {}, 'median'),
      h('dd', {}, num(p.p50)),
      h('dt', {}, 'p90'),
      h('dd', {}, num(p.p90)),
      h('dt', {}, 'p99'),
      h('dd', {}, num(p.p99)),
      h('dt', {}, 'p99.9'),
      h('dd', {}, num(p.p999)),
      ...stats.tiers.flatMap((t) => [
        h('dt', {}, `${t.name} (top ${t.topPercent}%)`),
        h('dd', {}, t.rank === null ? '—' : `rank ≤ ${num(t.rank)}, score ${num(t.score)}`),
      ]),
    ),
  );
}

/** One board: settings, actions, current entries, stats, archived periods and moderation. */
export async function boardView(ctx: ViewContext, id: string): Promise<void> {
  const board = await ctx.api.getBoard(id);
  if (!ctx.current()) return;
  const entries = h('div', { id: 'entries' }, 'Loading…');
  const stats = h('div', { id: 'stats' }, 'Loading…');
  const periods = h('div', { id: 'periods' }, 'Loading…');
  const actions = h(
    'div',
    { class: 'actions', id: 'board-actions' },
    h('a', { href: `${boardHref(id)}/edit`, class: 'button secondary', id: 'edit-board' }, 'Edit'),
    h('button', { type: 'button', id: 'reset-board', onclick: () => void reset() }, 'Reset now'),
    h(
      'button',
      { type: 'button', id: 'delete-board', class: 'danger', onclick: () => void remove() },
      'Delete',
    ),
  );

  const cohorts = cohortsPanel(ctx, board);
  const loadEntries = async (offset: number): Promise<void> => {
    const page = await ctx.api.entries(id, offset, PAGE);
    if (!ctx.current()) return;
    fill(
      entries,
      entriesTable(
        'entries',
        page,
        board.tiebreakers,
        (o) => void loadEntries(o).catch(show(entries)),
        (e) =>
          h(
            'button',
            {
              type: 'button',
              class: 'small secondary',
              onclick: () => void removePlayer(e.playerId),
            },
            'Remove',
          ),
      ),
    );
  };
  const loadStats = async (attempt = 0): Promise<void> => {
    const s = await ctx.api.stats(id);
    if (!ctx.current()) return;
    fill(
      stats,
      statsBody(s),
      h(
        'button',
        {
          type: 'button',
          class: 'small secondary',
          id: 'stats-refresh',
          onclick: () => void loadStats().catch(show(stats)),
        },
        'Refresh',
      ),
    );
    // A board with members whose stats are pending gets them within seconds if a worker runs.
    if (s.status === 'pending' && board.memberCount > 0 && attempt < 10) {
      await sleep(1500);
      if (ctx.current()) await loadStats(attempt + 1);
    }
  };
  const loadPeriods = async (): Promise<string[]> => {
    const list = await ctx.api.periods(id);
    if (!ctx.current()) return [];
    const tbody = h('tbody');
    for (const p of list.periods) {
      tbody.append(
        h(
          'tr',
          { 'data-period': p.id },
          h(
            'td',
            {},
            h('a', { href: `${boardHref(id)}/periods/${encodeURIComponent(p.id)}` }, p.id),
          ),
          h('td', {}, when(p.startedAt)),
          h('td', {}, when(p.endedAt)),
          h('td', { class: 'num' }, num(p.total)),
        ),
      );
    }
    if (list.periods.length === 0)
      tbody.append(h('tr', {}, h('td', { colspan: 4 }, 'No archived periods yet.')));
    fill(
      periods,
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { id: 'periods-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'Period'),
              h('th', {}, 'Started'),
              h('th', {}, 'Ended'),
              h('th', { class: 'num' }, 'Players'),
            ),
          ),
          tbody,
        ),
      ),
    );
    return list.periods.map((p) => p.id);
  };
  const show = (el: HTMLElement) => (err: unknown) => {
    if (ctx.current()) fill(el, h('p', { class: 'form-error' }, errorText(err)));
  };

  async function reset(): Promise<void> {
    if (
      !(await ctx.confirm(`Archive period ${board.period.id} of ${id} now and start an empty one?`))
    )
      return;
    try {
      const accepted = await ctx.api.resetBoard(id);
      ctx.flash(
        `Reset queued (job ${accepted.jobId}): period ${accepted.periodId} is being archived.`,
      );
      // The reset runs on a worker; show the result once the period is in the archive.
      for (let i = 0; i < 40 && ctx.current(); i++) {
        const archived = await loadPeriods();
        if (archived.includes(accepted.periodId)) {
          ctx.flash(`Period ${accepted.periodId} of ${id} archived.`);
          if (ctx.current()) await boardView(ctx, id);
          return;
        }
        await sleep(500);
      }
    } catch (err) {
      ctx.flash(errorText(err), 'error');
    }
  }

  async function remove(): Promise<void> {
    if (
      !(await ctx.confirm(
        `Delete board ${id} with every period and its schedule? This cannot be undone. Type the board id to confirm.`,
        id,
      ))
    )
      return;
    try {
      await ctx.api.deleteBoard(id);
      ctx.flash(`Board ${id} deleted.`);
      ctx.go('#/boards');
    } catch (err) {
      ctx.flash(errorText(err), 'error');
    }
  }

  async function removePlayer(playerId: string): Promise<void> {
    if (!(await ctx.confirm(`Remove ${playerId} from the current period of ${id}?`))) return;
    try {
      await ctx.api.removePlayer(id, playerId);
      ctx.flash(`${playerId} removed from ${id}.`);
      if (ctx.current()) await boardView(ctx, id);
    } catch (err) {
      ctx.flash(errorText(err), 'error');
    }
  }

  ctx.root.replaceChildren(
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'title-row' }, h('h2', { id: 'board-title' }, board.id), actions),
      configList(board),
    ),
    ...[tournamentPanel(board)].filter((p) => p !== null),
    h('section', { class: 'panel' }, h('h2', {}, `Current period ${board.period.id}`), entries),
    ...(cohorts ? [cohorts.panel] : []),
    h('section', { class: 'panel' }, h('h2', {}, 'Stats'), stats),
    h('section', { class: 'panel' }, h('h2', {}, 'Archived periods'), periods),
    moderation(ctx, board, removePlayer),
  );
  await Promise.all([
    loadEntries(0).catch(show(entries)),
    loadPeriods().catch(show(periods)),
    loadStats().catch(show(stats)),
    cohorts?.load(),
  ]);
}

/** Find a player on the board (and remove them), purge a score range. */
function moderation(
  ctx: ViewContext,
  board: BoardDto,
  removePlayer: (p: string) => Promise<void>,
): HTMLElement {
  const id = board.id;
  const card = h('div', { id: 'player-card', class: 'card', hidden: true });
  const everywhere = h('div', { id: 'player-everywhere' });
  const moderate = h('div', { id: 'player-moderate' });
  const find = h(
    'form',
    { id: 'find-form', novalidate: true, class: 'inline' },
    formMessage(),
    field(
      'Player id',
      'playerId',
      h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' }),
    ),
    h('button', { type: 'submit' }, 'Find'),
  );
  find.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(find);
    card.hidden = true;
    everywhere.replaceChildren();
    moderate.replaceChildren();
    const playerId = value(find, 'playerId');
    if (playerId === '') {
      showProblem(find, fieldError('playerId', 'is required'));
      return;
    }
    // Wherever else they stand, whether or not they are on this board (a bad id: the API's 400
    // is shown by the player read beside the field).
    const showEverywhere = (): void => {
      if (!ctx.current()) return;
      everywhere.replaceChildren(playerStandings(ctx, playerId, id));
      // Hiding is global and a league override needs no entry: offered either way.
      moderate.replaceChildren(playerModeration(ctx, board, playerId));
    };
    void ctx.api.player(id, playerId).then(
      (p) => {
        if (!ctx.current()) return;
        fill(
          card,
          h('strong', {}, p.displayName ?? p.playerId),
          ' ',
          h('code', {}, p.playerId),
          h(
            'div',
            {},
            `#${num(p.rank)} of ${num(p.total)} · ${num(p.score)} points · top ${p.topPercent.toFixed(2)}%`,
            p.tier ? ` · ${p.tier}` : '',
          ),
          p.subscores
            ? h(
                'div',
                { class: 'subscores' },
                board.tiebreakers.map((c, i) => `${c.name} ${num(p.subscores?.[i])}`).join(' · '),
              )
            : null,
          p.cohortId !== undefined
            ? h(
                'div',
                { class: 'cohort' },
                `cohort ${p.cohortId}: #${num(p.cohortRank)} of ${num(p.cohortTotal)}`,
                p.league ? ` · league ${p.league}` : '',
              )
            : p.league
              ? h('div', { class: 'cohort' }, `league ${p.league}`)
              : null,
          p.attempts !== undefined
            ? h(
                'div',
                { class: 'attempts' },
                `${num(p.attempts)} ${p.attempts === 1 ? 'attempt' : 'attempts'} this period`,
                p.attemptsLeft === null || p.attemptsLeft === undefined
                  ? ''
                  : `, ${num(p.attemptsLeft)} left`,
              )
            : null,
          h('div', { class: 'muted' }, `updated ${when(p.updatedAt)}`),
          p.metadata ? h('pre', {}, JSON.stringify(p.metadata, null, 2)) : null,
          h(
            'button',
            {
              type: 'button',
              class: 'small danger',
              id: 'remove-player',
              onclick: () => void removePlayer(p.playerId),
            },
            'Remove from this board',
          ),
        );
        card.hidden = false;
        showEverywhere();
      },
      (err) => {
        showProblem(find, err);
        if (err instanceof ValkranError && err.status === 404) showEverywhere();
      },
    );
  });

  const purge = h(
    'form',
    { id: 'purge-form', novalidate: true, class: 'inline' },
    formMessage(),
    field(
      'Min score',
      'minScore',
      h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off' }),
    ),
    field(
      'Max score',
      'maxScore',
      h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off' }),
    ),
    h('button', { type: 'submit', class: 'danger' }, 'Purge range'),
  );
  purge.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(purge);
    const min = value(purge, 'minScore');
    const max = value(purge, 'maxScore');
    void (async () => {
      if (
        !(await ctx.confirm(
          `Remove every entry of ${id} scoring from ${min} to ${max} (inclusive) from the current period?`,
        ))
      )
        return;
      try {
        const { removed } = await ctx.api.purge(
          id,
          String(integerOrText(min)),
          String(integerOrText(max)),
        );
        ctx.flash(`Purged ${removed} ${removed === 1 ? 'entry' : 'entries'} from ${id}.`);
        if (ctx.current()) await boardView(ctx, id);
      } catch (err) {
        showProblem(purge, err);
      }
    })();
  });

  return h(
    'section',
    { class: 'panel' },
    h('h2', {}, 'Moderation'),
    h('h3', {}, 'Find a player'),
    find,
    card,
    moderate,
    everywhere,
    h('h3', {}, 'Purge a score range'),
    purge,
    h(
      'p',
      { class: 'muted' },
      'To erase a player from every board and archive, see ',
      h('a', { href: '#/players' }, 'Players'),
      '.',
    ),
  );
}

/** Columns for subscores whose names could not be read: "tie-break 1", … */
const unnamedColumns = (page: PageDto): Column[] =>
  (page.entries[0]?.subscores ?? []).map((_v, i) => ({ name: `tie-break ${i + 1}` }));

/** A page of an archived period (read-only). */
export async function periodView(
  ctx: ViewContext,
  id: string,
  periodId: string,
  offset = 0,
): Promise<void> {
  // The board names the columns of the archived subscores (columns are fixed at creation).
  const [page, board] = await Promise.all([
    ctx.api.periodEntries(id, periodId, offset, PAGE),
    ctx.api.getBoard(id).catch(() => null),
  ]);
  if (!ctx.current()) return;
  const columns = board?.tiebreakers ?? unnamedColumns(page);
  // Cohorts (fixed at creation) of the archived period, with its movements on league boards.
  const cohorts = board ? cohortsPanel(ctx, board, periodId) : null;
  const results = periodResults(ctx, id, periodId, columns);
  ctx.root.replaceChildren(
    h(
      'section',
      { class: 'panel' },
      h('p', {}, h('a', { href: boardHref(id) }, `← ${id}`)),
      h('h2', { id: 'period-title' }, `${id}: archived period ${periodId}`),
      entriesTable(
        'period',
        page,
        columns,
        (o) =>
          void periodView(ctx, id, periodId, o).catch((err) => ctx.flash(String(err), 'error')),
      ),
    ),
    results.panel,
    ...(cohorts ? [cohorts.panel] : []),
  );
  await Promise.all([results.load(), cohorts?.load()]);
}

/**
 * Players: find one on every board (their standings, each board a link), and erase one from
 * every board and archive (the right to be forgotten, or a banned cheater).
 */
export function playersView(ctx: ViewContext): void {
  const found = h('div', { id: 'find-everywhere' });
  const find = h(
    'form',
    { id: 'standings-form', novalidate: true, class: 'inline' },
    formMessage(),
    field(
      'Player id',
      'playerId',
      h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', id: 'f-find-playerId' }),
    ),
    h('button', { type: 'submit' }, 'Find'),
  );
  find.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(find);
    const playerId = value(find, 'playerId');
    if (playerId === '') {
      found.replaceChildren();
      showProblem(find, fieldError('playerId', 'is required'));
      return;
    }
    found.replaceChildren(
      playerStandings(ctx, playerId, undefined, (err) => showProblem(find, err)),
    );
  });
  const result = h('div', { id: 'erase-result' });
  const form = h(
    'form',
    { id: 'erase-form', novalidate: true, class: 'inline' },
    formMessage(),
    field(
      'Player id',
      'playerId',
      h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' }),
    ),
    h('button', { type: 'submit', class: 'danger' }, 'Erase everywhere'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    result.replaceChildren();
    const playerId = value(form, 'playerId');
    if (playerId === '') {
      showProblem(form, fieldError('playerId', 'is required'));
      return;
    }
    void (async () => {
      if (
        !(await ctx.confirm(
          `Erase ${playerId} from every board and every archived period? This cannot be undone.`,
        ))
      )
        return;
      try {
        const erased = await ctx.api.erasePlayer(playerId);
        if (!ctx.current()) return;
        if (erased.removedFrom.length === 0) {
          showOk(form, `${playerId} was on no board.`);
          return;
        }
        showOk(
          form,
          `${playerId} erased from ${erased.removedFrom.length} ${erased.removedFrom.length === 1 ? 'period' : 'periods'}.`,
        );
        result.append(
          h(
            'ul',
            {},
            ...erased.removedFrom.map((r) =>
              h(
                'li',
                {},
                h('a', { href: boardHref(r.leaderboardId) }, r.leaderboardId),
                ` period ${r.periodId}`,
              ),
            ),
          ),
        );
      } catch (err) {
        showProblem(form, err);
      }
    })();
  });
  ctx.root.replaceChildren(
    h('section', { class: 'panel' }, h('h2', {}, 'Find a player on every board'), find, found),
    h('section', { class: 'panel' }, h('h2', {}, 'Erase a player everywhere'), form, result),
  );
}
