/// <reference lib="dom" />
import type { BoardDto, CreateBoardBody, UpdateBoardBody } from '../api';
import { numberOrText } from '../forms';
import { text } from './inputs';
import type { OptionGroup } from './option-group';
import { rowEditor, RowEditorSpec, rowValues } from './rows';

const TIERS: RowEditorSpec = {
  path: 'tiers',
  legend: 'Tiers (up to 10)',
  max: 10,
  addId: 'add-tier',
  add: 'Add a tier',
  remove: 'Remove this tier',
  fields: [
    { key: 'name', label: 'Tier name', input: (v) => text(v, { placeholder: 'gold' }) },
    {
      key: 'topPercent',
      label: 'Top %',
      input: (v) => text(v, { inputmode: 'decimal', placeholder: '1' }),
    },
  ],
};

const tiersOf = (form: HTMLFormElement): unknown[] =>
  rowValues(form, TIERS).map((t) => ({ name: t.name, topPercent: numberOrText(t.topPercent) }));

/** Named top-percentage tiers (gold = top 1 %); mutable. */
export const tierOptions: OptionGroup = {
  render: (board: BoardDto | undefined) =>
    rowEditor(
      TIERS,
      (board?.tiers ?? []).map((t) => ({ name: t.name, topPercent: String(t.topPercent) })),
    ),
  create(form: HTMLFormElement, body: CreateBoardBody): void {
    const tiers = tiersOf(form);
    if (tiers.length > 0) body.tiers = tiers;
  },
  update(form: HTMLFormElement, board: BoardDto, body: UpdateBoardBody): void {
    const tiers = tiersOf(form);
    if (JSON.stringify(tiers) !== JSON.stringify(board.tiers)) body.tiers = tiers;
  },
};
