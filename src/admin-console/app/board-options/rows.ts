/// <reference lib="dom" />
import { h } from '../dom';

/** One input of a repeatable row: its key in the API's objects (`name`, `topPercent`). */
export interface RowField {
  key: string;
  label: string;
  input(value: string, disabled: boolean): HTMLInputElement | HTMLSelectElement;
}

export interface RowEditorSpec {
  /** The API field holding the list (`tiers`): inputs are named `tiers.<i>.<key>`. */
  path: string;
  /** The list's legend, e.g. "Tiers (up to 10)". */
  legend: string;
  max: number;
  fields: RowField[];
  /** The add button's id and text, e.g. `add-tier`, "Add a tier"; remove's label. */
  addId: string;
  add: string;
  remove: string;
  hint?: string;
}

/**
 * A small editor of a list of objects (tiers, tie-break columns): a row of inputs per item,
 * "Add" and "Remove" buttons, inputs named by the API's paths (`tiers.2.topPercent`, renumbered
 * on removal) with an error slot each, and a slot for the list itself (`tiers`). Disabled (a
 * list fixed at creation), it shows the rows without buttons.
 */
export function rowEditor(
  spec: RowEditorSpec,
  rows: Record<string, string>[],
  disabled = false,
): HTMLElement {
  const list = h('div', { class: 'rows', id: spec.path });
  const renumber = (): void => {
    list.querySelectorAll<HTMLElement>('.option-row').forEach((row, i) => {
      const inputs = row.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select');
      const slots = row.querySelectorAll<HTMLElement>('.field-error');
      const labels = row.querySelectorAll<HTMLLabelElement>('label');
      spec.fields.forEach((f, n) => {
        const name = `${spec.path}.${i}.${f.key}`;
        const id = `f-${spec.path}-${i}-${f.key}`;
        inputs[n].name = name;
        inputs[n].id = id;
        inputs[n].setAttribute('aria-describedby', `err-${id}`);
        labels[n].htmlFor = id;
        slots[n].dataset.errorFor = name;
        slots[n].id = `err-${id}`;
      });
    });
  };
  const addRow = (values: Record<string, string>): void => {
    const row = h('div', { class: `option-row ${spec.path}-row` });
    for (const f of spec.fields) {
      row.append(
        h(
          'div',
          { class: 'field' },
          h('label', {}, f.label),
          f.input(values[f.key] ?? '', disabled),
          h('span', { class: 'field-error', role: 'alert' }),
        ),
      );
    }
    if (!disabled) {
      row.append(
        h(
          'button',
          {
            type: 'button',
            class: 'small secondary',
            'aria-label': spec.remove,
            onclick: () => {
              row.remove();
              renumber();
            },
          },
          'Remove',
        ),
      );
    }
    list.append(row);
    renumber();
  };
  for (const r of rows) addRow(r);
  return h(
    'fieldset',
    { class: 'row-editor' },
    h('legend', {}, spec.legend),
    spec.hint ? h('small', { class: 'hint' }, spec.hint) : null,
    h('span', { class: 'field-error', 'data-error-for': spec.path, role: 'alert' }),
    list,
    disabled && rows.length === 0 ? h('p', { class: 'muted' }, 'none') : null,
    disabled
      ? null
      : h(
          'button',
          {
            type: 'button',
            class: 'small secondary',
            id: spec.addId,
            onclick: () => {
              if (list.querySelectorAll('.option-row').length < spec.max) addRow({});
            },
          },
          spec.add,
        ),
  );
}

/** The rows as typed, each an object of the fields' trimmed texts keyed like the API's. */
export function rowValues(form: HTMLFormElement, spec: RowEditorSpec): Record<string, string>[] {
  const list = form.querySelector(`#${CSS.escape(spec.path)}`);
  if (!list) return [];
  return [...list.querySelectorAll('.option-row')].map((row) => {
    const inputs = row.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select');
    return Object.fromEntries(spec.fields.map((f, n) => [f.key, inputs[n].value.trim()]));
  });
}
