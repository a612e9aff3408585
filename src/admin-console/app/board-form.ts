/// <reference lib="dom" />
import type { BoardDto, CreateBoardBody, UpdateBoardBody } from './api';
import { cohortOptions } from './board-options/cohorts';
import { coreOptions } from './board-options/core';
import type { OptionGroup } from './board-options/option-group';
import { rewardOptions } from './board-options/rewards';
import { tiebreakerOptions } from './board-options/tiebreakers';
import { tierOptions } from './board-options/tiers';
import { tournamentOptions } from './board-options/tournament';
import { h } from './dom';
import { formMessage } from './forms';

/**
 * The form's option groups, in order. A feature with board options of its own adds its group
 * here (see board-options/option-group.ts).
 */
const GROUPS: readonly OptionGroup[] = [
  coreOptions,
  tierOptions,
  tiebreakerOptions,
  tournamentOptions,
  cohortOptions,
  rewardOptions,
];

/**
 * The board form, for creation (`board` undefined) and editing. Every option of the API is
 * here; the form checks nothing itself (`novalidate`): the API's rules are the only rules, and
 * its problem+json names the field, which is shown beside it.
 */
export function boardForm(board?: BoardDto): HTMLFormElement {
  const editing = board !== undefined;
  return h(
    'form',
    {
      id: 'board-form',
      novalidate: true,
      class: 'stack',
      'data-mode': editing ? 'edit' : 'create',
    },
    formMessage(),
    ...GROUPS.map((g) => g.render(board)),
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

/**
 * The creation body: empty fields are left out, so the API's defaults apply. Throws a
 * ValkranError naming the field when a value cannot be sent as typed (a reward that is not JSON).
 */
export function createBody(form: HTMLFormElement): CreateBoardBody {
  const body: CreateBoardBody = {};
  for (const g of GROUPS) g.create(form, body);
  return body;
}

/** The PATCH body: only fields that differ from the board as loaded (throws like createBody). */
export function updateBody(form: HTMLFormElement, board: BoardDto): UpdateBoardBody {
  const body: UpdateBoardBody = {};
  for (const g of GROUPS) g.update(form, board, body);
  return body;
}
