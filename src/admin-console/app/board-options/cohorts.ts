/// <reference lib="dom" />
import type { BoardDto, CreateBoardBody } from '../api';
import { h } from '../dom';
import { field, integerOrText, value } from '../forms';
import { checkboxField, FIXED, fixedWhen, text } from './inputs';
import type { OptionGroup } from './option-group';
import { rowEditor, RowEditorSpec, rowValues } from './rows';

/** A row editor spec for the leagues; inputs disabled (and no buttons) when editing. */
function leaguesSpec(editing: boolean): RowEditorSpec {
  const fixed = (attrs: Record<string, string>, disabled: boolean): Record<string, string> => ({
    ...attrs,
    ...fixedWhen(disabled),
  });
  return {
    path: 'leagues',
    legend: 'Leagues (up to 20, lowest first)',
    max: 20,
    addId: 'add-league',
    add: 'Add a league',
    remove: 'Remove this league',
    hint: editing
      ? FIXED
      : 'needs a cohort size; at each close the top "promote" of every cohort move up a league, the bottom "demote" down',
    fields: [
      {
        key: 'name',
        label: 'League name',
        input: (v, d) => text(v, fixed({ placeholder: 'bronze' }, d)),
      },
      {
        key: 'promote',
        label: 'Promote',
        input: (v, d) => text(v, fixed({ inputmode: 'numeric', placeholder: '5' }, d)),
      },
      {
        key: 'demote',
        label: 'Demote',
        input: (v, d) => text(v, fixed({ inputmode: 'numeric', placeholder: '5' }, d)),
      },
    ],
  };
}

/**
 * Cohorts and leagues (README "Cohorts and leagues"): `cohortSize`, `leagues` and
 * `demoteInactive` are fixed at creation, so editing shows them disabled and sends none.
 */
export const cohortOptions: OptionGroup = {
  render(board: BoardDto | undefined): HTMLElement {
    const editing = board !== undefined;
    return h(
      'fieldset',
      { id: 'cohort-options' },
      h('legend', {}, 'Cohorts and leagues (optional)'),
      field(
        'Cohort size',
        'cohortSize',
        text(board?.cohortSize == null ? '' : String(board.cohortSize), {
          inputmode: 'numeric',
          placeholder: 'no cohorts',
          ...fixedWhen(editing),
        }),
        editing ? FIXED : '2–1,000 players per cohort; empty: no cohorts',
      ),
      rowEditor(
        leaguesSpec(editing),
        (board?.leagues ?? []).map((l) => ({
          name: l.name,
          promote: String(l.promote),
          demote: String(l.demote),
        })),
        editing,
      ),
      checkboxField(
        'Demote inactive players',
        'demoteInactive',
        board?.demoteInactive ?? false,
        editing ? FIXED : 'with leagues: who did not play in a period moves down one league',
        editing,
      ),
    );
  },

  create(form: HTMLFormElement, body: CreateBoardBody): void {
    const size = value(form, 'cohortSize');
    if (size !== '') body.cohortSize = integerOrText(size);
    const leagues = rowValues(form, leaguesSpec(false)).map((l) => ({
      name: l.name,
      promote: integerOrText(l.promote),
      demote: integerOrText(l.demote),
    }));
    if (leagues.length > 0) body.leagues = leagues;
    if (form.querySelector<HTMLInputElement>('[name="demoteInactive"]')?.checked)
      body.demoteInactive = true;
  },

  // Immutable: nothing to send on edit.
  update(): void {},
};
