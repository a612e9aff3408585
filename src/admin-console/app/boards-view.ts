/// <reference lib="dom" />
import type { BoardDto } from './api';
import { boardForm, createBody, updateBody } from './board-form';
import type { ViewContext } from './context';
import { fill, h, num, when } from './dom';
import { clearErrors, showOk, showProblem } from './forms';
import { isTournament, PHASE_LABEL, tournamentState } from './tournament';

const PAGE = 50;

export const boardHref = (id: string): string => `#/boards/${encodeURIComponent(id)}`;

/** How a board behaves over time, in a word or two (and a tournament's phase). */
export function boardState(b: BoardDto): string {
  const schedule =
    b.resetSchedule === null ? 'never resets' : `resets ${b.resetSchedule} (${b.timezone})`;
  return isTournament(b)
    ? `${schedule} · tournament ${PHASE_LABEL[tournamentState(b, Date.now()).phase]}`
    : schedule;
}

/** Every board, a page at a time: members, period, next reset, state. */
export async function boardsView(ctx: ViewContext, offset: number): Promise<void> {
  const tbody = h('tbody');
  const pager = h('div', { class: 'pager' });
  ctx.root.replaceChildren(
    h(
      'section',
      { class: 'panel' },
      h(
        'div',
        { class: 'title-row' },
        h('h2', {}, 'Boards'),
        h('a', { href: '#/new', class: 'button', id: 'new-board' }, 'New board'),
      ),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { id: 'boards-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'Board'),
              h('th', { class: 'num' }, 'Members'),
              h('th', {}, 'Period'),
              h('th', {}, 'Next reset'),
              h('th', {}, 'State'),
            ),
          ),
          tbody,
        ),
      ),
      pager,
    ),
  );
  const { boards, total } = await ctx.api.listBoards(offset, PAGE);
  if (!ctx.current()) return;
  for (const b of boards) {
    tbody.append(
      h(
        'tr',
        { 'data-board': b.id },
        h(
          'td',
          {},
          h('a', { href: boardHref(b.id) }, b.id),
          b.title !== b.id ? h('div', { class: 'muted' }, b.title) : null,
        ),
        h('td', { class: 'num', 'data-col': 'members' }, num(b.memberCount)),
        h('td', {}, b.period.id),
        h('td', { 'data-col': 'next-reset' }, when(b.nextResetAt)),
        h('td', { 'data-col': 'state' }, boardState(b)),
      ),
    );
  }
  if (boards.length === 0) tbody.append(h('tr', {}, h('td', { colspan: 5 }, 'No boards.')));
  fill(
    pager,
    h('span', { class: 'muted' }, `${offset + 1}–${offset + boards.length} of ${num(total)}`),
    offset > 0
      ? h('a', { href: `#/boards?offset=${Math.max(0, offset - PAGE)}` }, '← previous')
      : null,
    offset + boards.length < total
      ? h('a', { href: `#/boards?offset=${offset + PAGE}` }, 'next →')
      : null,
  );
}

/** A form's body, or null when a field cannot be sent as typed (its error is shown beside it). */
function built<T>(form: HTMLFormElement, make: () => T): T | null {
  try {
    return make();
  } catch (err) {
    showProblem(form, err);
    return null;
  }
}

/** The creation form; a created board opens its own page. */
export function newBoardView(ctx: ViewContext): void {
  const form = boardForm();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = built(form, () => createBody(form));
    if (body === null) return;
    void ctx.api.createBoard(body).then(
      (board) => {
        ctx.flash(`Board ${board.id} created.`);
        ctx.go(boardHref(board.id));
      },
      (err) => showProblem(form, err),
    );
  });
  ctx.root.replaceChildren(h('section', { class: 'panel' }, h('h2', {}, 'New board'), form));
}

/** The edit form for a board's mutable settings; immutable ones are shown, disabled. */
export async function editBoardView(ctx: ViewContext, id: string): Promise<void> {
  const board = await ctx.api.getBoard(id);
  if (!ctx.current()) return;
  const form = boardForm(board);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = built(form, () => updateBody(form, board));
    if (body === null) return;
    if (Object.keys(body).length === 0) {
      showOk(form, 'Nothing changed.');
      return;
    }
    void ctx.api.updateBoard(id, body).then(
      () => {
        ctx.flash(`Board ${id} saved.`);
        ctx.go(boardHref(id));
      },
      (err) => showProblem(form, err),
    );
  });
  ctx.root.replaceChildren(h('section', { class: 'panel' }, h('h2', {}, `Edit ${board.id}`), form));
}
