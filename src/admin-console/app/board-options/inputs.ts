/// <reference lib="dom" />
import { h } from '../dom';

/** A drop-down of `options` with `selected` chosen. */
export function select(
  options: readonly string[],
  selected: string,
  disabled = false,
): HTMLSelectElement {
  const el = h('select', { disabled });
  for (const o of options) el.append(h('option', { value: o, selected: o === selected }, o));
  return el;
}

/** A one-line text input (numbers too: the API, not the browser, says what is wrong). */
export function text(current: string, attrs: Record<string, string> = {}): HTMLInputElement {
  const el = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
  el.value = current;
  return el;
}

/** `{disabled: ''}` when editing a field that is fixed at creation. */
export const fixedWhen = (editing: boolean): Record<string, string> =>
  editing ? { disabled: '' } : {};

export const FIXED = 'fixed at creation';

/**
 * A labelled checkbox field named `name` (its id `f-<name>`), with a hint and the slot the form
 * shows the API's 400 for the field in.
 */
export function checkboxField(
  label: string,
  name: string,
  checked: boolean,
  hint: string,
  disabled: boolean,
): HTMLElement {
  const id = `f-${name}`;
  const box = h('input', {
    type: 'checkbox',
    name,
    id,
    'aria-describedby': `err-${id}`,
    ...fixedWhen(disabled),
  });
  box.checked = checked;
  return h(
    'div',
    { class: 'field checkbox' },
    h('div', { class: 'check' }, box, h('label', { for: id }, label)),
    h('small', { class: 'hint' }, hint),
    h('span', { class: 'field-error', id: `err-${id}`, 'data-error-for': name, role: 'alert' }),
  );
}
