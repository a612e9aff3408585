/// <reference lib="dom" />
import { createApi, fieldError, ValkranError } from './api';
import { boardView, periodView, playersView } from './board-view';
import { boardsView, editBoardView, newBoardView } from './boards-view';
import { confirmDialog } from './confirm';
import type { ViewContext } from './context';
import { byId, fill, h } from './dom';
import { clearErrors, field, formMessage, showProblem } from './forms';
import { session } from './session';
import { webhooksView, webhookView } from './webhooks-view';

// A key revoked mid-session: back to the sign-in form at the first call it fails, an admin
// action included (public reads do not check keys, so views made of them keep working).
const api = createApi(
  () => session.key(),
  () => {
    seq++; // the view that made the call is gone: it neither renders nor flashes any more
    session.signOut();
    signInView('Your key is no longer accepted: sign in again.');
  },
);
const root = byId('view');
const nav = byId('nav');
const flashEl = byId('flash');
let seq = 0;

function flash(text: string, kind: 'ok' | 'error' = 'ok'): void {
  flashEl.textContent = text;
  flashEl.className = `flash ${kind}`;
  flashEl.hidden = false;
}

/** What a failed key check means, in the operator's words. */
export function keyRefusal(err: unknown): string {
  if (err instanceof ValkranError) {
    if (err.status === 401) return 'This key is not valid.';
    if (err.status === 403) return 'This is a submit key: the console needs an admin key.';
    return err.message;
  }
  return String(err);
}

function signInView(message?: string): void {
  nav.hidden = true;
  const key = h('input', { type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const form = h(
    'form',
    { id: 'signin-form', novalidate: true, class: 'stack' },
    h(
      'p',
      {},
      'Sign in with an admin API key. It is kept in this tab only (sessionStorage) and sent with each request.',
    ),
    formMessage(),
    field('Admin key', 'key', key),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const k = key.value.trim();
    if (k === '') {
      showProblem(form, fieldError('key', 'Enter an admin key.'));
      return;
    }
    void api.whoami(k).then(
      () => {
        session.signIn(k);
        flashEl.hidden = true;
        void route();
      },
      (err) => {
        showProblem(form, fieldError('key', keyRefusal(err), 401));
      },
    );
  });
  root.replaceChildren(h('section', { class: 'panel narrow' }, h('h2', {}, 'Sign in'), form));
  if (message) flash(message, 'error');
  key.focus();
}

function context(token: number): ViewContext {
  return {
    api,
    root,
    current: () => token === seq,
    // A view replaced meanwhile (another route, or the sign-in form) says nothing more.
    flash: (text, kind) => {
      if (token === seq) flash(text, kind);
    },
    go: (hash) => {
      if (location.hash === hash) void route();
      else location.hash = hash;
    },
    confirm: confirmDialog,
  };
}

/** `#/boards/<id>/periods/<pid>` → ['boards', id, 'periods', pid], decoded. */
function parts(hash: string): { path: string[]; query: URLSearchParams } {
  const [p, q] = hash.replace(/^#\/?/, '').split('?');
  return {
    path: p
      .split('/')
      .filter(Boolean)
      .map((x) => decodeURIComponent(x)),
    query: new URLSearchParams(q ?? ''),
  };
}

async function route(): Promise<void> {
  const token = ++seq;
  if (!session.key()) {
    signInView();
    return;
  }
  nav.hidden = false;
  const ctx = context(token);
  const { path, query } = parts(location.hash);
  fill(root, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const [section, id, sub, periodId] = path;
    if (section === 'new') newBoardView(ctx);
    else if (section === 'players') playersView(ctx);
    else if (section === 'webhooks' && id) await webhookView(ctx, id);
    else if (section === 'webhooks') await webhooksView(ctx);
    else if (section === 'boards' && id && sub === 'edit') await editBoardView(ctx, id);
    else if (section === 'boards' && id && sub === 'periods' && periodId)
      await periodView(ctx, id, periodId);
    else if (section === 'boards' && id) await boardView(ctx, id);
    else await boardsView(ctx, Math.max(0, Number(query.get('offset')) || 0));
  } catch (err) {
    if (err instanceof ValkranError && err.status === 401) {
      session.signOut();
      signInView('Your key is no longer accepted: sign in again.');
      return;
    }
    if (token === seq)
      fill(
        root,
        h(
          'section',
          { class: 'panel' },
          h(
            'p',
            { class: 'form-error', role: 'alert' },
            err instanceof Error ? err.message : String(err),
          ),
          h('a', { href: '#/boards' }, 'Back to the boards'),
        ),
      );
  }
}

byId('sign-out').addEventListener('click', () => {
  session.signOut();
  flashEl.hidden = true;
  void route();
});
window.addEventListener('hashchange', () => {
  flashEl.hidden = flashEl.classList.contains('error') ? true : flashEl.hidden;
  void route();
});
void route();
