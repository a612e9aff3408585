/// <reference lib="dom" />
import { fieldError, type BoardDto, type CreateBoardBody, type UpdateBoardBody } from '../api';
import { h } from '../dom';
import { field, integerOrText, value } from '../forms';
import { text } from './inputs';
import type { OptionGroup } from './option-group';
import { rowEditor, RowEditorSpec, rowValues } from './rows';

const REWARDS: RowEditorSpec = {
  path: 'rewards',
  legend: 'Rewards (up to 50 rank ranges)',
  max: 50,
  addId: 'add-reward',
  add: 'Add a reward',
  remove: 'Remove this reward',
  hint: 'Ranks from–to, inclusive, not overlapping, within the results; the reward is any JSON value ({"gems": 500}, 100, "badge"). Changes apply to periods that close after them.',
  fields: [
    {
      key: 'fromRank',
      label: 'From rank',
      input: (v) => text(v, { inputmode: 'numeric', placeholder: '1' }),
    },
    {
      key: 'toRank',
      label: 'To rank',
      input: (v) => text(v, { inputmode: 'numeric', placeholder: '3' }),
    },
    {
      key: 'reward',
      label: 'Reward (JSON)',
      input: (v) => text(v, { placeholder: '{"gems": 500}' }),
    },
  ],
};

/**
 * A reward field's JSON. Empty is sent as null, which the API refuses by name; text that is not
 * JSON cannot be sent as typed, so the form refuses it itself, beside the field (quoted text is
 * a string reward).
 */
function rewardValue(raw: string, i: number): unknown {
  if (raw === '') return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw fieldError(
      `rewards.${i}.reward`,
      'must be JSON: a number, "quoted text", [a list] or {"an": "object"}',
    );
  }
}

/** The rows as the API wants them; throws a field error for a reward that is not JSON. */
const rewardsOf = (form: HTMLFormElement): unknown[] =>
  rowValues(form, REWARDS).map((r, i) => ({
    fromRank: integerOrText(r.fromRank),
    toRank: integerOrText(r.toRank),
    reward: rewardValue(r.reward, i),
  }));

/**
 * Results and rewards (README "Results and rewards"): `resultsTop` and the reward ranges a
 * closed period's results pay; both mutable.
 */
export const rewardOptions: OptionGroup = {
  render(board: BoardDto | undefined): HTMLElement {
    return h(
      'fieldset',
      { id: 'reward-options' },
      h('legend', {}, 'Results and rewards (optional)'),
      field(
        'Results size',
        'resultsTop',
        text(board ? String(board.resultsTop) : '', { inputmode: 'numeric', placeholder: '100' }),
        '1–10,000: how many entries a closed period’s results hold',
      ),
      rowEditor(
        REWARDS,
        (board?.rewards ?? []).map((r) => ({
          fromRank: String(r.fromRank),
          toRank: String(r.toRank),
          reward: JSON.stringify(r.reward),
        })),
      ),
    );
  },

  create(form: HTMLFormElement, body: CreateBoardBody): void {
    const top = value(form, 'resultsTop');
    if (top !== '') body.resultsTop = integerOrText(top);
    const rewards = rewardsOf(form);
    if (rewards.length > 0) body.rewards = rewards;
  },

  update(form: HTMLFormElement, board: BoardDto, body: UpdateBoardBody): void {
    const top = value(form, 'resultsTop');
    if (top !== String(board.resultsTop)) body.resultsTop = integerOrText(top);
    const rewards = rewardsOf(form);
    if (JSON.stringify(rewards) !== JSON.stringify(board.rewards)) body.rewards = rewards;
  },
};
