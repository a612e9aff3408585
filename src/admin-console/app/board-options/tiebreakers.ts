/// <reference lib="dom" />
import type { BoardDto, CreateBoardBody } from '../api';
import { FIXED, fixedWhen, select, text } from './inputs';
import type { OptionGroup } from './option-group';
import { rowEditor, RowEditorSpec, rowValues } from './rows';

const ORDERS = ['desc', 'asc'] as const;

const TIEBREAKERS: RowEditorSpec = {
  path: 'tiebreakers',
  legend: 'Tie-break columns (up to 3)',
  max: 3,
  addId: 'add-tiebreaker',
  add: 'Add a column',
  remove: 'Remove this column',
  hint: 'Equal scores order by each column in turn (desc: higher is better), then by who got there first; every submit then sends one subscore per column.',
  fields: [
    {
      key: 'name',
      label: 'Column name',
      input: (v, disabled) => text(v, { placeholder: 'kills', ...fixedWhen(disabled) }),
    },
    { key: 'order', label: 'Order', input: (v, disabled) => select(ORDERS, v || 'desc', disabled) },
  ],
};

/** Tie-break columns: fixed at creation, so shown disabled (and never sent) when editing. */
export const tiebreakerOptions: OptionGroup = {
  render(board: BoardDto | undefined): HTMLElement {
    const editing = board !== undefined;
    return rowEditor(
      { ...TIEBREAKERS, hint: editing ? FIXED : TIEBREAKERS.hint },
      (board?.tiebreakers ?? []).map((c) => ({ name: c.name, order: c.order })),
      editing,
    );
  },
  create(form: HTMLFormElement, body: CreateBoardBody): void {
    const columns = rowValues(form, TIEBREAKERS);
    if (columns.length > 0) body.tiebreakers = columns;
  },
  update(): void {
    // Fixed at creation: a PATCH naming tiebreakers is a 400.
  },
};
