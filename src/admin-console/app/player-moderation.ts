/// <reference lib="dom" />
import type { BoardDto, HiddenPlayerDto } from './api';
import { select } from './board-options/inputs';
import type { ViewContext } from './context';
import { fill, h, when } from './dom';
import { clearErrors, field, formMessage, showOk, showProblem, value } from './forms';

function statusLine(s: HiddenPlayerDto): HTMLElement {
  return h(
    'p',
    { id: 'hidden-status', 'data-hidden': s.hidden ? 'true' : 'false' },
    s.hidden
      ? h('strong', { class: 'hidden-flag' }, 'Hidden')
      : h('span', { class: 'muted' }, 'Not hidden'),
    s.hidden ? ` since ${when(s.hiddenAt)}` : '',
    s.hidden && s.reason ? ` · ${s.reason}` : '',
  );
}

/**
 * A player's moderation beyond this board (README "Hidden players"): the hidden flag (since
 * when, why) with hide/unhide on every board, asked for confirmation; and on a league board the
 * admin league override, used from the player's next cohort placement.
 */
export function playerModeration(ctx: ViewContext, board: BoardDto, playerId: string): HTMLElement {
  const status = h('div', { id: 'hidden-status-box' }, 'Loading…');
  const hideForm = h('form', { id: 'hide-form', novalidate: true, class: 'inline' }, formMessage());

  const render = (s: HiddenPlayerDto): void => {
    if (!ctx.current()) return;
    fill(status, statusLine(s));
    clearErrors(hideForm);
    fill(
      hideForm,
      formMessage(),
      s.hidden
        ? null
        : field(
            'Reason',
            'reason',
            h('input', { type: 'text', autocomplete: 'off', id: 'f-hide-reason' }),
            'optional, up to 200 characters; shown here',
          ),
      h(
        'button',
        { type: 'submit', id: 'toggle-hidden', class: s.hidden ? 'secondary' : 'danger' },
        s.hidden ? 'Unhide' : 'Hide on every board',
      ),
    );
    hideForm.dataset.hidden = s.hidden ? 'true' : 'false';
  };
  hideForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const hide = hideForm.dataset.hidden !== 'true';
    const reason = value(hideForm, 'reason');
    clearErrors(hideForm);
    void (async () => {
      const question = hide
        ? `Hide ${playerId} from everyone else on every board (their submissions keep being accepted)?`
        : `Show ${playerId} again on every board?`;
      if (!(await ctx.confirm(question))) return;
      try {
        const s = await ctx.api.setHidden(
          playerId,
          hide,
          hide && reason !== '' ? reason : undefined,
        );
        render(s);
        showOk(hideForm, hide ? `${playerId} hidden.` : `${playerId} shown again.`);
      } catch (err) {
        showProblem(hideForm, err);
      }
    })();
  });
  void ctx.api.playerStatus(playerId).then(render, (err) => {
    if (ctx.current()) fill(status, h('p', { class: 'form-error' }, String(err)));
  });

  let leagueForm: HTMLFormElement | null = null;
  if (board.leagues.length > 0) {
    const names = board.leagues.map((l) => l.name);
    const form = h(
      'form',
      { id: 'league-form', novalidate: true, class: 'inline' },
      formMessage(),
      field('League', 'league', select(names, names[0]), 'from their next cohort placement'),
      h('button', { type: 'submit' }, 'Set league'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(form);
      const league = value(form, 'league');
      void (async () => {
        if (!(await ctx.confirm(`Move ${playerId} to league ${league} on ${board.id}?`))) return;
        try {
          const r = await ctx.api.setLeague(board.id, playerId, league);
          showOk(
            form,
            `${playerId}: ${r.previousLeague ?? 'new player'} → ${r.league} (from their next cohort).`,
          );
        } catch (err) {
          showProblem(form, err);
        }
      })();
    });
    leagueForm = form;
  }

  return h(
    'div',
    { id: 'player-moderation', class: 'card' },
    h('h3', {}, 'Hidden (shadow-ban)'),
    status,
    hideForm,
    leagueForm ? h('h3', {}, 'League override') : null,
    leagueForm,
  );
}
