// The live page: plain JS on the Valkran SDK's browser bundle (/valkran.js, window.Valkran:
// clients/typescript). One subscription at a time: the chosen board's top N, plus the
// looked-up player once there is one. The SDK renews it after a reconnect.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const boardSelect = $('board');
  const topSelect = $('top');
  const tbody = $('top-table').querySelector('tbody');
  const state = { board: null, top: 25, player: null, rows: new Map() };
  const api = new Valkran.ValkranClient();
  const live = new Valkran.LiveClient();

  function setStatus(on, text) {
    $('status').className = 'live-dot' + (on ? ' on' : '');
    $('status').title = text;
  }
  live.on('connect', () => setStatus(true, 'connected'));
  live.on('disconnect', () => setStatus(false, 'disconnected'));

  function cell(text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }
  const fmt = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'));
  const who = (e) => (e.displayName ? `${e.displayName} (${e.playerId})` : e.playerId);

  /** Redraws the top list, flashing rows whose rank or score changed. */
  function renderTop(entries, animate) {
    const before = state.rows;
    const next = new Map();
    tbody.replaceChildren(
      ...entries.map((e) => {
        const tr = document.createElement('tr');
        tr.dataset.player = e.playerId;
        tr.append(cell(e.rank, 'num'), cell(who(e)), cell(fmt(e.score), 'num'));
        const old = before.get(e.playerId);
        if (animate) {
          if (!old) tr.className = 'is-new';
          else if (e.rank < old.rank) tr.className = 'moved-up';
          else if (e.rank > old.rank) tr.className = 'moved-down';
          else if (e.score !== old.score) tr.className = 'changed';
        }
        if (state.player && e.playerId === state.player) tr.classList.add('me');
        next.set(e.playerId, { rank: e.rank, score: e.score, name: who(e) });
        return tr;
      }),
    );
    state.rows = next;
    $('top-count').textContent = entries.length ? `(${entries.length})` : '';
  }

  function showMeta(periodId, total) {
    $('meta').textContent =
      `Period ${periodId} · ${fmt(total)} players · updated ${new Date().toLocaleTimeString()}`;
  }

  /** Draws a subscription's initial (or, after a reconnect, renewed) state. */
  function showSubscription(sub) {
    if (sub.leaderboardId !== state.board) return;
    $('meta').classList.remove('error');
    renderTop(sub.top.entries, false);
    showMeta(sub.top.periodId, sub.top.total);
  }

  function subscribe() {
    if (!state.board) return;
    const board = state.board;
    live
      .subscribe(board, { top: state.top, playerIds: state.player ? [state.player] : [] })
      .then(showSubscription, (err) => {
        if (board !== state.board) return;
        $('meta').textContent = err.message || 'Could not subscribe.';
        $('meta').classList.add('error');
      });
  }
  live.on('resubscribed', showSubscription);

  /** True when the entries show exactly the rows on screen (a repeated event: keep the highlights). */
  function unchanged(entries) {
    return (
      entries.length === state.rows.size &&
      entries.every((e) => {
        const old = state.rows.get(e.playerId);
        return old && old.rank === e.rank && old.score === e.score && old.name === who(e);
      })
    );
  }

  live.on('leaderboard.top', (msg) => {
    if (msg.leaderboardId !== state.board) return;
    if (!unchanged(msg.entries)) renderTop(msg.entries, true);
    $('meta').textContent =
      `Period ${msg.periodId} · updated ${new Date(msg.at).toLocaleTimeString()}`;
  });
  live.on('player.rank', (msg) => {
    if (msg.leaderboardId === state.board && msg.playerId === state.player)
      void lookup(msg.playerId);
  });
  live.on('leaderboard.reset', (msg) => {
    if (msg.leaderboardId !== state.board) return;
    const banner = $('banner');
    banner.textContent = `New period ${msg.periodId} started: period ${msg.archivedPeriodId} was archived.`;
    banner.hidden = false;
    setTimeout(() => {
      banner.hidden = true;
    }, 15000);
  });

  async function loadBoards() {
    const boards = await api.listBoards();
    boardSelect.replaceChildren(
      ...boards.map((b) => {
        const o = document.createElement('option');
        o.value = b.id;
        o.textContent = `${b.title} (${fmt(b.memberCount)})`;
        return o;
      }),
    );
    const wanted = new URLSearchParams(location.search).get('board');
    if (wanted && boards.some((b) => b.id === wanted)) boardSelect.value = wanted;
    chooseBoard(boardSelect.value);
  }

  function chooseBoard(id) {
    if (state.board && state.board !== id) live.unsubscribe(state.board).catch(() => {});
    state.board = id;
    state.rows = new Map();
    $('banner').hidden = true;
    const url = new URL(location.href);
    url.searchParams.set('board', id);
    history.replaceState(null, '', url);
    subscribe();
  }

  async function lookup(playerId) {
    const card = $('player-card');
    const around = $('around-table');
    const board = state.board;
    let p;
    try {
      p = await api.getPlayer(board, playerId);
    } catch (err) {
      card.hidden = false;
      card.innerHTML = '';
      card.append(
        Object.assign(document.createElement('p'), {
          className: 'error',
          textContent: err.message,
        }),
      );
      around.hidden = true;
      return;
    }
    card.hidden = false;
    card.innerHTML = '';
    const big = Object.assign(document.createElement('div'), {
      className: 'big',
      textContent: `#${p.rank}`,
    });
    const line = document.createElement('div');
    line.textContent =
      `${who(p)} · ${fmt(p.score)} points · top ${p.topPercent.toFixed(2)} %` +
      (p.tier ? ` · ${p.tier}` : '');
    card.append(big, line);
    const near = await api.getAround(board, p.playerId, { limit: 7 });
    around.querySelector('tbody').replaceChildren(
      ...near.entries.map((e) => {
        const tr = document.createElement('tr');
        tr.append(cell(e.rank, 'num'), cell(who(e)), cell(fmt(e.score), 'num'));
        if (e.playerId === p.playerId) tr.className = 'me';
        return tr;
      }),
    );
    around.hidden = false;
  }

  boardSelect.addEventListener('change', () => chooseBoard(boardSelect.value));
  topSelect.addEventListener('change', () => {
    state.top = Number(topSelect.value);
    subscribe();
  });
  $('lookup-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.player = $('player').value.trim();
    void lookup(state.player);
    subscribe();
  });
  loadBoards().catch((err) => {
    $('meta').textContent = `Could not load boards: ${err.message}`;
  });
})();
