/// <reference lib="dom" />
import type { BoardDto, CreateBoardBody, UpdateBoardBody } from '../api';
import { h } from '../dom';
import { field, integerOrText, value } from '../forms';
import { FIXED, fixedWhen, select, text } from './inputs';
import type { OptionGroup } from './option-group';

const SORT_ORDERS = ['desc', 'asc'] as const;
const UPDATE_MODES = ['best', 'latest', 'increment'] as const;
const RANK_MODES = ['ordinal', 'competition', 'dense'] as const;
const NUMBERS = ['minScore', 'maxScore', 'retainPeriods'] as const;

/** Id, title, the three modes, schedule and time zone, score bounds, archived periods kept. */
export const coreOptions: OptionGroup = {
  render(board: BoardDto | undefined): HTMLElement {
    const editing = board !== undefined;
    const fixed = editing ? FIXED : undefined;
    return h(
      'div',
      { class: 'stack' },
      field(
        'Id',
        'id',
        text(board?.id ?? '', { placeholder: 'weekly-arena', ...fixedWhen(editing) }),
        fixed ?? 'a–z, 0–9, _ and -, up to 64 characters',
      ),
      field('Title', 'title', text(board?.title ?? '', { placeholder: 'defaults to the id' })),
      h(
        'div',
        { class: 'row' },
        field(
          'Sort order',
          'sortOrder',
          select(SORT_ORDERS, board?.sortOrder ?? 'desc', editing),
          fixed ?? 'desc: higher is better',
        ),
        field(
          'Update mode',
          'updateMode',
          select(UPDATE_MODES, board?.updateMode ?? 'best', editing),
          fixed,
        ),
        field(
          'Rank mode',
          'rankMode',
          select(RANK_MODES, board?.rankMode ?? 'ordinal', editing),
          fixed,
        ),
      ),
      h(
        'div',
        { class: 'row' },
        field(
          'Reset schedule',
          'resetSchedule',
          text(board?.resetSchedule ?? '', { placeholder: '0 0 * * 1' }),
          'cron, 5 fields or 6 with seconds; empty: never resets',
        ),
        field(
          'Time zone',
          'timezone',
          text(board?.timezone ?? '', { placeholder: 'UTC' }),
          'IANA name',
        ),
      ),
      h(
        'div',
        { class: 'row' },
        field(
          'Min score',
          'minScore',
          text(board ? String(board.minScore) : '', {
            inputmode: 'numeric',
            placeholder: '-(2^53-1)',
          }),
        ),
        field(
          'Max score',
          'maxScore',
          text(board ? String(board.maxScore) : '', {
            inputmode: 'numeric',
            placeholder: '2^53-1',
          }),
        ),
        field(
          'Archived periods kept',
          'retainPeriods',
          text(board ? String(board.retainPeriods) : '', {
            inputmode: 'numeric',
            placeholder: '7',
          }),
          '0–365',
        ),
      ),
    );
  },

  create(form: HTMLFormElement, body: CreateBoardBody): void {
    body.id = value(form, 'id');
    body.sortOrder = value(form, 'sortOrder');
    body.updateMode = value(form, 'updateMode');
    body.rankMode = value(form, 'rankMode');
    for (const name of ['title', 'resetSchedule', 'timezone'] as const) {
      const v = value(form, name);
      if (v !== '') body[name] = v;
    }
    for (const name of NUMBERS) {
      const v = value(form, name);
      if (v !== '') body[name] = integerOrText(v);
    }
  },

  /**
   * An unchanged schedule is not sent (it would be rescheduled); an emptied one is `null`
   * (never resets). Other emptied fields are sent empty, and the API says what it thinks of that.
   */
  update(form: HTMLFormElement, board: BoardDto, body: UpdateBoardBody): void {
    const title = value(form, 'title');
    if (title !== board.title) body.title = title;
    const schedule = value(form, 'resetSchedule');
    if (schedule !== (board.resetSchedule ?? ''))
      body.resetSchedule = schedule === '' ? null : schedule;
    const timezone = value(form, 'timezone');
    if (timezone !== board.timezone) body.timezone = timezone;
    for (const name of NUMBERS) {
      const v = value(form, name);
      if (v !== String(board[name])) body[name] = integerOrText(v);
    }
  },
};
