/// <reference lib="dom" />
import type { BoardDto, CreateBoardBody, UpdateBoardBody } from '../api';
import { h } from '../dom';
import { field, integerOrText, value } from '../forms';
import { isoToLocal, localToIso, utcOffset } from '../instants';
import { tournamentState } from '../tournament';
import { FIXED, fixedWhen, text } from './inputs';
import type { OptionGroup } from './option-group';

const INSTANTS = ['startsAt', 'endsAt'] as const;
const LIMITS = ['maxPlayers', 'maxAttempts'] as const;

/**
 * A `datetime-local` input (this browser's time zone, to the second) whose hint shows the ISO
 * instant the form will send. `data-initial` keeps the loaded value, so an edit sends the
 * instant only when the operator changed it.
 */
function instantInput(iso: string | null, disabled: boolean): HTMLInputElement {
  const el = h('input', { type: 'datetime-local', step: '1', ...fixedWhen(disabled) });
  el.value = isoToLocal(iso);
  el.dataset.initial = el.value;
  return el;
}

function instantField(
  label: string,
  path: (typeof INSTANTS)[number],
  iso: string | null,
  locked: string | null,
): HTMLElement {
  const input = instantInput(iso, locked !== null);
  const f = field(label, path, input, locked ?? 'your local time');
  const hint = f.querySelector<HTMLElement>('.hint');
  const explain = (): void => {
    if (!hint || locked !== null) return;
    const sent = localToIso(input.value);
    hint.textContent = `your local time (${utcOffset()}); ${sent === null ? 'empty: none' : `sent as ${sent}`}`;
  };
  input.addEventListener('input', explain);
  explain();
  return f;
}

/** A field's text as the API wants it: empty → null (no such rule), else the integer. */
const limitOrNull = (v: string): unknown => (v === '' ? null : integerOrText(v));

/**
 * Tournament rules (README "Tournaments"): the window (`startsAt`, `endsAt`, `activeFor`) may
 * change until the tournament has ended; the entry rules (`joinRequired`, `maxPlayers`,
 * `maxAttempts`) are fixed at creation.
 */
export const tournamentOptions: OptionGroup = {
  render(board: BoardDto | undefined): HTMLElement {
    const editing = board !== undefined;
    const ended = board !== undefined && tournamentState(board, Date.now()).phase === 'ended';
    const windowLock = ended ? 'the tournament has ended: fixed' : null;
    const join = h('input', {
      type: 'checkbox',
      name: 'joinRequired',
      id: 'f-joinRequired',
      'aria-describedby': 'err-f-joinRequired',
      ...fixedWhen(editing),
    });
    join.checked = board?.joinRequired ?? false;
    return h(
      'fieldset',
      { id: 'tournament-options' },
      h('legend', {}, 'Tournament (optional)'),
      h(
        'small',
        { class: 'hint' },
        'Leave empty for a plain board. Times are entered in your local time and sent as ISO-8601 instants.',
      ),
      h(
        'div',
        { class: 'row' },
        instantField('Starts at', 'startsAt', board?.startsAt ?? null, windowLock),
        instantField('Ends at', 'endsAt', board?.endsAt ?? null, windowLock),
        field(
          'Active for (s)',
          'activeFor',
          text(board?.activeFor == null ? '' : String(board.activeFor), {
            inputmode: 'numeric',
            placeholder: '172800',
            ...fixedWhen(ended),
          }),
          'seconds each period takes submissions; needs a reset schedule',
        ),
      ),
      h(
        'div',
        { class: 'row' },
        h(
          'div',
          { class: 'field checkbox' },
          h(
            'div',
            { class: 'check' },
            join,
            h('label', { for: 'f-joinRequired' }, 'Join required'),
          ),
          h(
            'small',
            { class: 'hint' },
            editing ? FIXED : 'players join each period before scoring',
          ),
          h('span', {
            class: 'field-error',
            id: 'err-f-joinRequired',
            'data-error-for': 'joinRequired',
            role: 'alert',
          }),
        ),
        field(
          'Max players',
          'maxPlayers',
          text(board?.maxPlayers == null ? '' : String(board.maxPlayers), {
            inputmode: 'numeric',
            placeholder: 'no limit',
            ...fixedWhen(editing),
          }),
          editing ? FIXED : 'seats per period',
        ),
        field(
          'Max attempts',
          'maxAttempts',
          text(board?.maxAttempts == null ? '' : String(board.maxAttempts), {
            inputmode: 'numeric',
            placeholder: 'no limit',
            ...fixedWhen(editing),
          }),
          editing ? FIXED : 'accepted submissions per player and period',
        ),
      ),
    );
  },

  create(form: HTMLFormElement, body: CreateBoardBody): void {
    for (const name of INSTANTS) {
      const iso = localToIso(value(form, name));
      if (iso !== null) body[name] = iso;
    }
    for (const name of ['activeFor', ...LIMITS] as const) {
      const v = value(form, name);
      if (v !== '') body[name] = integerOrText(v);
    }
    if (checked(form)) body.joinRequired = true;
  },

  update(form: HTMLFormElement, board: BoardDto, body: UpdateBoardBody): void {
    for (const name of INSTANTS) {
      const input = form.querySelector<HTMLInputElement>(`[name="${name}"]`);
      if (input && !input.disabled && input.value !== input.dataset.initial)
        body[name] = localToIso(input.value);
    }
    const activeFor = value(form, 'activeFor');
    if (activeFor !== (board.activeFor === null ? '' : String(board.activeFor)))
      body.activeFor = limitOrNull(activeFor);
  },
};

function checked(form: HTMLFormElement): boolean {
  return form.querySelector<HTMLInputElement>('[name="joinRequired"]')?.checked ?? false;
}
