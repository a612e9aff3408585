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
