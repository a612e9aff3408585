/// <reference lib="dom" />
import { ValkranError, type Problem } from './api';
import { h } from './dom';

/**
 * Field errors. Every input sits in a `.field` with a `[data-error-for=<path>]` element; a
 * problem's `errors[].path` (`minScore`, `tiers.2.topPercent`) is shown beside the field with
 * that path, or the closest enclosing one (`tiers`), else at the top of the form.
 */

/** A labelled input with room for its error. */
export function field(
  label: string,
  path: string,
  input: HTMLInputElement | HTMLSelectElement,
  hint?: string,
): HTMLElement {
  input.name = path;
  input.id ||= `f-${path.replace(/\./g, '-')}`;
  input.setAttribute('aria-describedby', `err-${input.id}`);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: input.id }, label),
    input,
    hint ? h('small', { class: 'hint' }, hint) : null,
    h('span', {
      class: 'field-error',
      id: `err-${input.id}`,
      'data-error-for': path,
      role: 'alert',
    }),
  );
}

/** The form-level message area (problems without a field, and successes). */
export function formMessage(): HTMLElement {
  return h('p', { class: 'form-error', 'data-error-for': '', role: 'alert' });
}

export function clearErrors(form: HTMLElement): void {
  for (const el of form.querySelectorAll<HTMLElement>('[data-error-for]')) {
    el.textContent = '';
    el.classList.remove('ok');
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

function slotFor(form: HTMLElement, path: string): HTMLElement | null {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const p = parts.slice(0, n).join('.');
    const el = form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(p)}"]`);
    if (el) return el;
  }
  return null;
}

function addLine(slot: HTMLElement, text: string): void {
  slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
}

/** Shows an error beside its fields (or at the top); returns the problem it showed. */
export function showProblem(form: HTMLElement, err: unknown): Problem {
  const problem: Problem =
    err instanceof ValkranError
      ? err.problem
      : { type: 'about:blank', title: 'Error', status: 0, detail: String(err) };
  const top = form.querySelector<HTMLElement>('[data-error-for=""]');
  if (problem.errors && problem.errors.length > 0) {
    for (const e of problem.errors) {
      const slot = slotFor(form, e.path);
      if (slot) {
        const exact = slot.getAttribute('data-error-for') === e.path;
        addLine(slot, exact ? e.message : `${e.path}: ${e.message}`);
        const input = form.querySelector(`[name="${CSS.escape(slot.dataset.errorFor ?? '')}"]`);
        input?.setAttribute('aria-invalid', 'true');
      } else if (top) {
        addLine(top, `${e.path}: ${e.message}`);
      }
    }
  } else if (top) {
    addLine(top, problem.detail || problem.title);
  }
  return problem;
}

/** A success line in the form-level area. */
export function showOk(form: HTMLElement, text: string): void {
  const top = form.querySelector<HTMLElement>('[data-error-for=""]');
  if (!top) return;
  top.textContent = text;
  top.classList.add('ok');
}

/** Text of a named input in a form. */
export function value(form: HTMLElement, name: string): string {
  const el = form.querySelector<HTMLInputElement | HTMLSelectElement>(
    `[name="${CSS.escape(name)}"]`,
  );
  return el ? el.value.trim() : '';
}

/**
 * An integer field as the API wants it: a number when the text is one (exactly: safe integers
 * only come from digits), otherwise the text itself, so the API names the field and says why.
 */
export function integerOrText(text: string): number | string {
  return /^-?\d{1,16}$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

/** A decimal number field (tier percentages): a number when it reads as one, else the text. */
export function numberOrText(text: string): number | string {
  return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
}
