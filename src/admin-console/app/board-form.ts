/// <reference lib="dom" />
import type { BoardDto, CreateBoardBody, UpdateBoardBody } from './api';
import { h } from './dom';
import { field, formMessage, integerOrText, numberOrText, value } from './forms';

const SORT_ORDERS = ['desc', 'asc'] as const;
const UPDATE_MODES = ['best', 'latest', 'increment'] as const;
const RANK_MODES = ['ordinal', 'competition', 'dense'] as const;
const MAX_TIERS = 10;

function select(
  options: readonly string[],
  selected: string,
  disabled: boolean,
): HTMLSelectElement {
  const el = h('select', { disabled });
  for (const o of options) el.append(h('option', { value: o, selected: o === selected }, o));
  return el;
}

function text(current: string, attrs: Record<string, string> = {}): HTMLInputElement {
  const el = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
  el.value = current;
  return el;
}

function tierRow(list: HTMLElement, name: string, percent: string): HTMLElement {
  const row = h('div', { class: 'tier-row' });
  const renumber = (): void => {
    list.querySelectorAll<HTMLElement>('.tier-row').forEach((r, i) => {
      const [n, p] = r.querySelectorAll<HTMLInputElement>('input');
      const [ne, pe] = r.querySelectorAll<HTMLElement>('.field-error');
      n.name = `tiers.${i}.name`;
      p.name = `tiers.${i}.topPercent`;
      n.id = `f-tiers-${i}-name`;
      p.id = `f-tiers-${i}-topPercent`;
      ne.dataset.errorFor = n.name;
      pe.dataset.errorFor = p.name;
      ne.id = `err-${n.id}`;
      pe.id = `err-${p.id}`;
      n.setAttribute('aria-describedby', ne.id);
      p.setAttribute('aria-describedby', pe.id);
    });
  };
  row.append(
    field('Tier name', 'tiers.x.name', text(name, { placeholder: 'gold' })),
    field('Top %', 'tiers.x.topPercent', text(percent, { inputmode: 'decimal', placeholder: '1' })),
    h(
      'button',
      {
        type: 'button',
        class: 'small secondary',
        'aria-label': 'Remove this tier',
        onclick: () => {
          row.remove();
          renumber();
        },
      },
      'Remove',
    ),
  );
  list.append(row);
  renumber();
  return row;
}

/**
 * The board form, for creation (`board` undefined) and editing. Every option of the API is
 * here; the form checks nothing itself (`novalidate`): the API's rules are the only rules, and
 * its problem+json names the field, which is shown beside it.
 */
export function boardForm(board?: BoardDto): HTMLFormElement {
  const editing = board !== undefined;
  const tiers = h('div', { class: 'tiers', id: 'tiers' });
  for (const t of board?.tiers ?? []) tierRow(tiers, t.name, String(t.topPercent));
  const addTier = h(
    'button',
    {
      type: 'button',
      class: 'small secondary',
      id: 'add-tier',
      onclick: () => {
        if (tiers.querySelectorAll('.tier-row').length < MAX_TIERS) tierRow(tiers, '', '');
      },
    },
    'Add a tier',
  );
  const fixed = editing ? 'fixed at creation' : undefined;
  return h(
    'form',
    {
      id: 'board-form',
      novalidate: true,
      class: 'stack',
      'data-mode': editing ? 'edit' : 'create',
    },
    formMessage(),
    field(
      'Id',
      'id',
      text(board?.id ?? '', { placeholder: 'weekly-arena', ...(editing ? { disabled: '' } : {}) }),
      editing ? 'fixed at creation' : 'a–z, 0–9, _ and -, up to 64 characters',
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
        text(board ? String(board.maxScore) : '', { inputmode: 'numeric', placeholder: '2^53-1' }),
      ),
      field(
        'Archived periods kept',
        'retainPeriods',
        text(board ? String(board.retainPeriods) : '', { inputmode: 'numeric', placeholder: '7' }),
        '0–365',
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Tiers (up to 10)'),
      h('span', { class: 'field-error', 'data-error-for': 'tiers', role: 'alert' }),
      tiers,
      addTier,
    ),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', id: 'board-submit' },
        editing ? 'Save changes' : 'Create board',
      ),
      h(
        'a',
        {
          href: editing ? `#/boards/${encodeURIComponent(board.id)}` : '#/boards',
          class: 'button secondary',
        },
        'Cancel',
      ),
    ),
  );
}

function tiersOf(form: HTMLFormElement): unknown[] {
  return [...form.querySelectorAll('.tier-row')].map((row) => {
    const [n, p] = row.querySelectorAll<HTMLInputElement>('input');
    return { name: n.value.trim(), topPercent: numberOrText(p.value.trim()) };
  });
}

/** The creation body: empty fields are left out, so the API's defaults apply. */
export function createBody(form: HTMLFormElement): CreateBoardBody {
  const body: CreateBoardBody = {
    id: value(form, 'id'),
    sortOrder: value(form, 'sortOrder'),
    updateMode: value(form, 'updateMode'),
    rankMode: value(form, 'rankMode'),
  };
  const optional = (name: 'title' | 'resetSchedule' | 'timezone'): void => {
    const v = value(form, name);
    if (v !== '') body[name] = v;
  };
  optional('title');
  optional('resetSchedule');
  optional('timezone');
  for (const name of ['minScore', 'maxScore', 'retainPeriods'] as const) {
    const v = value(form, name);
    if (v !== '') body[name] = integerOrText(v);
  }
  const tiers = tiersOf(form);
  if (tiers.length > 0) body.tiers = tiers;
  return body;
}

/**
 * The PATCH body: only fields that differ from the board as loaded (an unchanged schedule is
 * not rescheduled). An emptied schedule is `null` (never resets); other emptied fields are sent
 * empty, and the API says what it thinks of that beside the field.
 */
export function updateBody(form: HTMLFormElement, board: BoardDto): UpdateBoardBody {
  const body: UpdateBoardBody = {};
  const title = value(form, 'title');
  if (title !== board.title) body.title = title;
  const schedule = value(form, 'resetSchedule');
  if (schedule !== (board.resetSchedule ?? ''))
    body.resetSchedule = schedule === '' ? null : schedule;
  const timezone = value(form, 'timezone');
  if (timezone !== board.timezone) body.timezone = timezone;
  for (const name of ['minScore', 'maxScore', 'retainPeriods'] as const) {
    const v = value(form, name);
    if (v !== String(board[name])) body[name] = integerOrText(v);
  }
  const tiers = tiersOf(form);
  if (JSON.stringify(tiers) !== JSON.stringify(board.tiers)) body.tiers = tiers;
  return body;
}
