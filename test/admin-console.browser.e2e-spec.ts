/// <reference lib="dom" />
// The page callbacks below run in the browser.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/chromium';
import { ADMIN_KEY, http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

describe('the admin console in headless Chromium', () => {
  let valkey: TestValkey;
  let t: TestApp;
  let api: ReturnType<typeof http>;
  let browser: Browser;
  let page: Page;
  /** Uncaught page errors and console errors (a CSP violation is one). */
  const errors: string[] = [];

  beforeAll(async () => {
    valkey = await startValkey();
    t = await startApp(valkey.url, { APP_MODE: 'all' });
    api = http(t.baseUrl);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      // Failed requests the test provokes on purpose (401/403/400/404) are logged by Chromium.
      if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) errors.push(msg.text());
    });
  }, 30000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await valkey?.stop();
  });

  const errorFor = (path: string) =>
    page.textContent(`[data-error-for="${path}"]`).then((s) => (s ?? '').trim());
  const confirm = async () => {
    await page.waitForSelector('#confirm[open]');
    await page.click('#confirm-ok');
  };

  it('serves the page with a strict CSP, and the key check answers by scope', async () => {
    const res = await api.get('/admin');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const js = await api.get('/admin/console.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(String(js.body).length).toBeGreaterThan(1000);
    const etag = js.headers.get('etag')!;
    const again = await api.request('GET', '/admin/console.js', {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);

    expect((await api.request('GET', '/v1/admin/whoami', { key: ADMIN_KEY })).body).toEqual({
      scope: 'admin',
    });
    const submit = await api.request('GET', '/v1/admin/whoami', { key: SUBMIT_KEY });
    expect(submit.status).toBe(403);
    expect(submit.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await api.request('GET', '/v1/admin/whoami', { key: 'nope' })).status).toBe(401);
    expect((await api.request('GET', '/v1/admin/whoami')).status).toBe(401);
  });

  it('refuses a wrong key and a submit key, and keeps the admin key in sessionStorage only', async () => {
    await page.goto(`${t.baseUrl}/admin`);
    await page.waitForSelector('#signin-form');
    await page.fill('#f-key', 'not-a-key');
    await page.click('#signin-form button[type=submit]');
    await page.waitForFunction(() =>
      document.querySelector('[data-error-for="key"]')?.textContent?.includes('not valid'),
    );
    expect(await page.isHidden('#nav')).toBe(true);

    await page.fill('#f-key', SUBMIT_KEY);
    await page.click('#signin-form button[type=submit]');
    await page.waitForFunction(() =>
      document.querySelector('[data-error-for="key"]')?.textContent?.includes('submit key'),
    );
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await page.fill('#f-key', ADMIN_KEY);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#boards-table tr[data-board="global"]');
    expect(await page.isVisible('#nav')).toBe(true);
    const stored = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: localStorage.length,
      cookie: document.cookie,
      url: location.href,
    }));
    expect(stored.session).toEqual([ADMIN_KEY]);
    expect(stored.local).toBe(0);
    expect(stored.cookie).toBe('');
    expect(stored.url).not.toContain(ADMIN_KEY);
    expect((await page.context().cookies()).length).toBe(0);
    expect(await page.getAttribute('#jobs-link', 'href')).toBe('/admin/queues');
  });

  it('shows validation errors from the API beside their fields, then creates the board', async () => {
    await page.click('#new-board');
    await page.waitForSelector('#board-form');
    await page.fill('#f-id', 'arena');
    await page.fill('#f-title', 'Arena <b>cup</b>');
    await page.fill('#f-resetSchedule', 'every monday');
    await page.fill('#f-maxScore', '1.5');
    await page.click('#add-tier');
    await page.fill('#f-tiers-0-name', 'gold');
    await page.fill('#f-tiers-0-topPercent', '500');
    await page.click('#board-submit');
    await page.waitForFunction(
      () => document.querySelector('[data-error-for="resetSchedule"]')?.textContent !== '',
    );
    expect(await errorFor('resetSchedule')).toMatch(/cron/);
    expect(await errorFor('maxScore')).toMatch(/integer/);
    expect(await errorFor('tiers.0.topPercent')).toMatch(/100/);
    expect(await errorFor('id')).toBe('');
    expect(await errorFor('title')).toBe('');
    expect(await page.getAttribute('#f-resetSchedule', 'aria-invalid')).toBe('true');
    expect((await api.get('/v1/leaderboards/arena')).status).toBe(404);

    await page.fill('#f-resetSchedule', '0 0 1 1 *');
    await page.fill('#f-maxScore', '');
    await page.fill('#f-tiers-0-topPercent', '50');
    await page.click('#board-submit');
    await page.waitForSelector('#board-title');
    expect(await page.textContent('#board-title')).toBe('arena');
    // Data is text, never markup.
    expect(await page.textContent('#board-config')).toContain('Arena <b>cup</b>');
    expect(await page.$('#board-config b')).toBeNull();
    const board = (await api.get('/v1/leaderboards/arena')).body;
    expect(board).toMatchObject({
      title: 'Arena <b>cup</b>',
      resetSchedule: '0 0 1 1 *',
      tiers: [{ name: 'gold', topPercent: 50 }],
    });
  });

  it('shows scores submitted through the API with their stats, resets, and lists the archived period', async () => {
    await api.batch('arena', [
      { playerId: 'alice', score: 300, displayName: 'Alice' },
      { playerId: 'bob', score: 200 },
      { playerId: 'carol', score: 100 },
    ]);
    // Stats of the board as created (no players) may already be computed; the view shows the
    // stats it finds, so wait for the ranking job (worker side of APP_MODE=all) to count these.
    await waitFor(
      async () => {
        const s = (await api.get('/v1/leaderboards/arena/stats')).body;
        return s.status === 'ready' && s.total === 3;
      },
      20_000,
      'stats of the three players',
    );
    await page.goto(`${t.baseUrl}/admin#/boards`);
    await page.waitForSelector('#boards-table tr[data-board="arena"]');
    expect(
      await page.textContent('#boards-table tr[data-board="arena"] [data-col="members"]'),
    ).toBe('3');
    expect(
      await page.textContent('#boards-table tr[data-board="arena"] [data-col="state"]'),
    ).toContain('0 0 1 1 *');
    await page.click('#boards-table tr[data-board="arena"] a');
    await page.waitForFunction(
      () => document.querySelectorAll('#entries-table tbody tr').length === 3,
    );
    const rows = await page.$$eval('#entries-table tbody tr', (trs) =>
      trs.map((tr) => (tr as HTMLElement).dataset.player),
    );
    expect(rows).toEqual(['alice', 'bob', 'carol']);
    await page.waitForSelector('#stats-chart', { timeout: 15000 });
    expect(await page.$$eval('#stats-chart rect.bar', (r) => r.length)).toBeGreaterThan(0);
    expect(await page.$$eval('#stats-chart line.marker', (l) => l.length)).toBeGreaterThan(0);

    await page.click('#reset-board');
    await confirm();
    await page.waitForSelector('#periods-table tr[data-period="0000000001"]', { timeout: 15000 });
    await page.waitForFunction(
      () => document.querySelectorAll('#entries-table tbody tr[data-player]').length === 0,
    );
    await page.click('#periods-table tr[data-period="0000000001"] a');
    await page.waitForSelector('#period-table');
    expect(await page.textContent('#period-title')).toContain('0000000001');
    expect(
      await page.$$eval('#period-table tbody tr', (trs) =>
        trs.map((tr) => (tr as HTMLElement).dataset.player),
      ),
    ).toEqual(['alice', 'bob', 'carol']);
  }, 60000);

  it('erases a player everywhere', async () => {
    await api.submit('arena', { playerId: 'alice', score: 5 });
    await page.click('nav a[href="#/players"]');
    await page.waitForSelector('#erase-form');
    await page.fill('#erase-form input[name=playerId]', 'alice');
    await page.click('#erase-form button[type=submit]');
    await confirm();
    await page.waitForSelector('#erase-result li');
    expect(await page.textContent('#erase-form [data-error-for=""]')).toContain('2 periods');
    expect((await api.get('/v1/leaderboards/arena/players/alice')).status).toBe(404);
    expect((await api.get('/v1/leaderboards/arena/periods/0000000001/players/alice')).status).toBe(
      404,
    );
  });

  it('finds and removes a player, purges a range, edits and deletes the board', async () => {
    await api.batch('arena', [
      { playerId: 'dan', score: 10 },
      { playerId: 'eve', score: 20 },
      { playerId: 'fay', score: 30 },
    ]);
    await page.goto(`${t.baseUrl}/admin#/boards/arena`);
    await page.waitForFunction(
      () => document.querySelectorAll('#entries-table tbody tr[data-player]').length === 3,
    );
    await page.fill('#find-form input[name=playerId]', 'eve');
    await page.click('#find-form button[type=submit]');
    await page.waitForSelector('#player-card:not([hidden])');
    expect(await page.textContent('#player-card')).toMatch(/#2 of 3/);
    await page.click('#remove-player');
    await confirm();
    await page.waitForFunction(
      () => document.querySelectorAll('#entries-table tbody tr[data-player]').length === 2,
    );

    await page.fill('#purge-form input[name=minScore]', 'ten');
    await page.fill('#purge-form input[name=maxScore]', '15');
    await page.click('#purge-form button[type=submit]');
    await confirm();
    await page.waitForFunction(
      () => document.querySelector('#purge-form [data-error-for="minScore"]')?.textContent !== '',
    );
    expect(await page.textContent('#purge-form [data-error-for="maxScore"]')).toBe('');
    await page.fill('#purge-form input[name=minScore]', '0');
    await page.click('#purge-form button[type=submit]');
    await confirm();
    await page.waitForFunction(
      () => document.querySelectorAll('#entries-table tbody tr[data-player]').length === 1,
    );
    expect(await page.textContent('#flash')).toContain('Purged 1 entry');

    await page.click('#edit-board');
    await page.waitForSelector('#board-form[data-mode="edit"]');
    expect(await page.isDisabled('#f-sortOrder')).toBe(true);
    await page.fill('#f-title', 'Arena');
    await page.fill('#f-retainPeriods', '400');
    await page.click('#board-submit');
    await page.waitForFunction(
      () => document.querySelector('[data-error-for="retainPeriods"]')?.textContent !== '',
    );
    expect(await errorFor('retainPeriods')).toMatch(/365/);
    expect((await api.get('/v1/leaderboards/arena')).body.title).toBe('Arena <b>cup</b>');
    await page.fill('#f-retainPeriods', '3');
    await page.click('#board-submit');
    await page.waitForSelector('#board-title');
    expect((await api.get('/v1/leaderboards/arena')).body).toMatchObject({
      title: 'Arena',
      retainPeriods: 3,
    });

    await page.click('#delete-board');
    await page.waitForSelector('#confirm[open]');
    expect(await page.isDisabled('#confirm-ok')).toBe(true);
    await page.fill('#confirm-input', 'arena');
    await page.click('#confirm-ok');
    await page.waitForSelector('#boards-table');
    expect((await api.get('/v1/leaderboards/arena')).status).toBe(404);
  }, 60000);

  it('creates a tournament board with tie-break columns through the form, shows its subscores, state and a player on every board', async () => {
    // The form takes local date-times (the browser's zone) and sends ISO instants.
    const startMs = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
    const endMs = startMs + 2 * 86400_000;
    const local = (ms: number) =>
      page.evaluate((m) => {
        const d = new Date(m);
        const p = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
      }, ms);
    await page.goto(`${t.baseUrl}/admin#/new`);
    await page.waitForSelector('#board-form');
    await page.fill('#f-id', 'cup');
    await page.click('#add-tiebreaker');
    await page.click('#add-tiebreaker');
    await page.fill('#f-tiebreakers-0-name', 'kills');
    await page.selectOption('#f-tiebreakers-1-order', 'asc');
    await page.fill('#f-startsAt', await local(startMs));
    expect(await page.textContent('#f-startsAt ~ .hint')).toContain(
      new Date(startMs).toISOString(),
    );
    await page.fill('#f-endsAt', await local(endMs));
    await page.fill('#f-maxPlayers', '10');
    await page.fill('#f-maxAttempts', '3');
    await page.click('#board-submit');
    // The second column has no name: the API names tiebreakers.1.name, shown beside it.
    await page.waitForFunction(
      () => document.querySelector('[data-error-for="tiebreakers.1.name"]')?.textContent !== '',
    );
    expect(await errorFor('tiebreakers.1.name')).toMatch(/longer than or equal to 1/);
    expect(await errorFor('tiebreakers.0.name')).toBe('');
    expect(await errorFor('startsAt')).toBe('');
    expect(await page.getAttribute('#f-tiebreakers-1-name', 'aria-invalid')).toBe('true');
    expect((await api.get('/v1/leaderboards/cup')).status).toBe(404);

    await page.fill('#f-tiebreakers-1-name', 'timeMs');
    await page.click('#board-submit');
    await page.waitForSelector('#board-title');
    expect((await api.get('/v1/leaderboards/cup')).body).toMatchObject({
      tiebreakers: [
        { name: 'kills', order: 'desc' },
        { name: 'timeMs', order: 'asc' },
      ],
      startsAt: new Date(startMs).toISOString(),
      endsAt: new Date(endMs).toISOString(),
      activeFor: null,
      joinRequired: false,
      maxPlayers: 10,
      maxAttempts: 3,
    });
    expect(await page.getAttribute('#tournament', 'data-phase')).toBe('running');
    expect(await page.textContent('#tournament [data-col="phase"]')).toBe('running');
    expect(await page.textContent('#tournament [data-col="closes"]')).toBe(
      await page.evaluate((m) => new Date(m).toLocaleString(), endMs),
    );
    expect(await page.textContent('#tournament [data-col="seats"]')).toBe('10 per period');
    expect(await page.textContent('#tournament [data-col="attempts"]')).toBe(
      '3 per player and period',
    );
    expect(await page.textContent('#board-config')).toContain('kills (desc), timeMs (asc)');

    // Equal scores: kills (higher first), then time (lower first).
    expect(
      (
        await api.batch('cup', [
          { playerId: 'alice', score: 100, subscores: [5, 9000] },
          { playerId: 'bob', score: 100, subscores: [7, 12000] },
          { playerId: 'carol', score: 100, subscores: [7, 11000] },
        ])
      ).status,
    ).toBe(200);
    await api.admin('POST', '/v1/leaderboards', { id: 'league' });
    await api.batch('league', [
      { playerId: 'dan', score: 50 },
      { playerId: 'carol', score: 40 },
    ]);
    await page.goto(`${t.baseUrl}/admin#/boards`);
    await page.waitForSelector('#boards-table tr[data-board="cup"]');
    expect(await page.textContent('#boards-table tr[data-board="cup"] [data-col="state"]')).toBe(
      'never resets · tournament running',
    );
    await page.click('#boards-table tr[data-board="cup"] a');
    await page.waitForFunction(
      () => document.querySelectorAll('#entries-table tbody tr[data-player]').length === 3,
    );
    expect(
      await page.$$eval('#entries-table thead th', (ths) => ths.map((th) => th.textContent)),
    ).toEqual(['#', 'Player', 'Score', 'kills', 'timeMs', 'Updated', '']);
    const cells = await page.$$eval('#entries-table tbody tr', (trs) =>
      trs.map((tr) => [
        (tr as HTMLElement).dataset.player,
        tr.querySelector('[data-col="sub-0"]')?.textContent,
        tr.querySelector('[data-col="sub-1"]')?.textContent,
      ]),
    );
    expect(cells).toEqual([
      ['carol', '7', '11,000'],
      ['bob', '7', '12,000'],
      ['alice', '5', '9,000'],
    ]);

    // Find a player: their entry here (subscores, attempts) and where they stand on every board.
    await page.fill('#find-form input[name=playerId]', 'carol');
    await page.click('#find-form button[type=submit]');
    await page.waitForSelector('#player-card:not([hidden])');
    const card = await page.textContent('#player-card');
    expect(card).toMatch(/#1 of 3/);
    expect(card).toContain('kills 7 · timeMs 11,000');
    expect(card).toContain('1 attempt this period, 2 left');
    await page.waitForSelector('#standings-table');
    const standings = await page.$$eval('#standings-table tbody tr', (trs) =>
      trs.map((tr) => [
        (tr as HTMLElement).dataset.board,
        tr.querySelector('[data-col="rank"]')?.textContent,
        tr.querySelector('[data-col="subscores"]')?.textContent,
        tr.querySelector('a')?.getAttribute('href'),
      ]),
    );
    expect(standings).toEqual([
      ['cup', '#1 of 3', '7 · 11,000', '#/boards/cup'],
      ['league', '#2 of 2', '', '#/boards/league'],
    ]);
    await page.click('#standings-table tr[data-board="league"] a');
    await page.waitForFunction(
      () => document.querySelector('#board-title')?.textContent === 'league',
    );
    expect(await page.$('#tournament')).toBeNull();

    // Edit: what is fixed at creation is shown disabled; a moved end is sent as an instant.
    await page.goto(`${t.baseUrl}/admin#/boards/cup/edit`);
    await page.waitForSelector('#board-form[data-mode="edit"]');
    for (const fixed of [
      '#f-tiebreakers-0-name',
      '#f-tiebreakers-1-order',
      '#f-joinRequired',
      '#f-maxPlayers',
      '#f-maxAttempts',
    ]) {
      expect(await page.isDisabled(fixed)).toBe(true);
    }
    expect(await page.$('#add-tiebreaker')).toBeNull();
    expect(await page.inputValue('#f-startsAt')).toBe(await local(startMs));
    await page.fill('#f-endsAt', await local(endMs + 86400_000));
    await page.click('#board-submit');
    await page.waitForSelector('#tournament');
    expect((await api.get('/v1/leaderboards/cup')).body).toMatchObject({
      startsAt: new Date(startMs).toISOString(),
      endsAt: new Date(endMs + 86400_000).toISOString(),
      maxAttempts: 3,
    });
  }, 60000);

  it('creates a cohort board with leagues through the form, shows cohorts and movements, hides and unhides a player', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${t.baseUrl}/admin#/new`);
    await page.waitForSelector('#board-form');
    await page.fill('#f-id', 'ladder');
    await page.fill('#f-cohortSize', '2');
    await page.click('#add-league');
    await page.click('#add-league');
    await page.fill('#f-leagues-0-name', 'bronze');
    await page.fill('#f-leagues-0-promote', '1');
    await page.fill('#f-leagues-0-demote', '0');
    await page.fill('#f-leagues-1-name', 'silver');
    await page.fill('#f-leagues-1-promote', '-1');
    await page.fill('#f-leagues-1-demote', '1');
    await page.click('#board-submit');
    // A negative promote: the API names leagues.1.promote, shown beside that field only.
    await page.waitForFunction(
      () => document.querySelector('[data-error-for="leagues.1.promote"]')?.textContent !== '',
    );
    expect(await errorFor('leagues.1.promote')).toMatch(/not be less than 0/);
    expect(await errorFor('leagues.0.promote')).toBe('');
    expect(await errorFor('cohortSize')).toBe('');
    expect(await page.getAttribute('#f-leagues-1-promote', 'aria-invalid')).toBe('true');
    expect((await api.get('/v1/leaderboards/ladder')).status).toBe(404);

    await page.fill('#f-leagues-1-promote', '0');
    await page.click('#board-submit');
    await page.waitForSelector('#board-title');
    expect((await api.get('/v1/leaderboards/ladder')).body).toMatchObject({
      cohortSize: 2,
      leagues: [
        { name: 'bronze', promote: 1, demote: 0 },
        { name: 'silver', promote: 0, demote: 1 },
      ],
    });
    await page.waitForSelector('#cohorts-table');
    expect(await page.textContent('#cohorts-table')).toContain('No cohorts yet');

    // Scores through the API: cohorts of two in arrival order, all in the lowest league.
    expect(
      (
        await api.batch('ladder', [
          { playerId: 'ann', score: 10 },
          { playerId: 'ben', score: 30 },
          { playerId: 'cat', score: 20 },
        ])
      ).status,
    ).toBe(200);
    await page.reload();
    await page.waitForFunction(
      () => document.querySelectorAll('#cohorts-table tbody tr[data-cohort]').length === 2,
    );
    const cohortRows = await page.$$eval('#cohorts-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(cohortRows).toEqual([
      ['#1', 'bronze', '2'],
      ['#2', 'bronze', '1'],
    ]);
    expect(await page.textContent('#league-counts [data-league="bronze"]')).toBe('3 players');
    expect(await page.textContent('#league-counts [data-league="silver"]')).toBe('0 players');
    await page.click('#cohorts-table tr[data-cohort="1"] button');
    await page.waitForSelector('#cohort-entries-table tr[data-player]');
    expect(
      await page.$$eval('#cohort-entries-table tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      ),
    ).toEqual([
      ['1', 'ben', '30'],
      ['2', 'ann', '10'],
    ]);
    expect(await page.textContent('#cohort-title')).toBe('Cohort 1 · bronze');

    // Find ann: her cohort on the card; hide her (with a reason, confirmed), see the flag.
    await page.fill('#find-form input[name=playerId]', 'ann');
    await page.click('#find-form button[type=submit]');
    await page.waitForSelector('#player-card:not([hidden])');
    expect(await page.textContent('#player-card')).toContain('cohort 1: #2 of 2 · league bronze');
    await page.waitForSelector('#hidden-status[data-hidden="false"]');
    await page.fill('#f-hide-reason', 'x'.repeat(201));
    await page.click('#toggle-hidden');
    await confirm();
    await page.waitForFunction(
      () => document.querySelector('#hide-form [data-error-for="reason"]')?.textContent !== '',
    );
    expect(await errorFor('reason')).toMatch(/200/);
    expect((await api.admin('GET', '/v1/players/ann')).body.hidden).toBe(false);
    await page.fill('#f-hide-reason', 'speed hack, ticket 7');
    await page.click('#toggle-hidden');
    await confirm();
    await page.waitForSelector('#hidden-status[data-hidden="true"]');
    const flag = await page.textContent('#hidden-status');
    expect(flag).toContain('Hidden since');
    expect(flag).toContain('speed hack, ticket 7');
    const status = (await api.admin('GET', '/v1/players/ann')).body;
    expect(status).toMatchObject({ hidden: true, reason: 'speed hack, ticket 7' });
    expect(flag).toContain(
      await page.evaluate((iso) => new Date(iso).toLocaleString(), status.hiddenAt),
    );
    // Out of her cohort's view for everyone else.
    await page.click('#cohorts-table tr[data-cohort="1"] button');
    await page.waitForFunction(
      () => document.querySelectorAll('#cohort-entries-table tr[data-player]').length === 1,
    );
    // Cancelled: nothing changes; then confirmed: shown again.
    await page.click('#toggle-hidden');
    await page.waitForSelector('#confirm[open]');
    await page.click('#confirm-cancel');
    expect((await api.admin('GET', '/v1/players/ann')).body.hidden).toBe(true);
    await page.click('#toggle-hidden');
    await confirm();
    await page.waitForSelector('#hidden-status[data-hidden="false"]');
    expect((await api.admin('GET', '/v1/players/ann')).body).toEqual({
      playerId: 'ann',
      hidden: false,
    });

    // League override on a league board: cat to silver for her next placement.
    await page.selectOption('#league-form select[name=league]', 'silver');
    await page.click('#league-form button[type=submit]');
    await confirm();
    await page.waitForFunction(
      () => (document.querySelector('#league-form .form-error.ok')?.textContent ?? '') !== '',
    );
    expect(await page.textContent('#league-form .form-error')).toContain('bronze → silver');
    expect((await api.get('/v1/leaderboards/ladder/leagues')).body.leagues).toEqual([
      { name: 'bronze', players: 2 },
      { name: 'silver', players: 1 },
    ]);

    // A close promotes the top of each bronze cohort: the archived period shows the movements.
    await api.admin('POST', '/v1/leaderboards/ladder/reset');
    await waitFor(
      async () =>
        (await api.get('/v1/leaderboards/ladder/periods/0000000001/movements')).body?.settled ===
        true,
      10_000,
      'the movements',
    );
    await page.goto(`${t.baseUrl}/admin#/boards/ladder/periods/0000000001`);
    await page.waitForSelector('#movements-table tr[data-player]');
    const moves = await page.$$eval('#movements-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(moves).toEqual(expect.arrayContaining([['ben', 'bronze', 'silver', '1', '1']]));
    expect(await page.textContent('#cohorts-panel h2')).toBe('Cohorts of period 0000000001');
    await page.waitForSelector('#cohorts-table tr[data-cohort="2"]');

    // Editing: cohort size and leagues are fixed at creation, shown disabled.
    await page.goto(`${t.baseUrl}/admin#/boards/ladder/edit`);
    await page.waitForSelector('#board-form[data-mode="edit"]');
    for (const fixed of ['#f-cohortSize', '#f-leagues-0-name', '#f-leagues-1-promote']) {
      expect(await page.isDisabled(fixed)).toBe(true);
    }
    expect(await page.inputValue('#f-leagues-1-name')).toBe('silver');
    expect(await page.$('#add-league')).toBeNull();
  }, 60000);

  it('fits a phone screen', async () => {
    await api.admin('POST', '/v1/leaderboards', {
      id: 'phone',
      tiers: [{ name: 'gold', topPercent: 1 }],
    });
    await page.setViewportSize({ width: 375, height: 740 });
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    for (const [hash, ready] of [
      ['#/boards', '#boards-table'],
      ['#/boards/phone', '#board-title'],
      ['#/new', '#board-form'],
      // a tournament with tie-break columns: its panel, subscore columns, the edit form
      ['#/boards/cup', '#entries-table tr[data-player]'],
      // a cohort board with leagues: the cohorts and league counts, the edit form's leagues
      ['#/boards/ladder', '#league-counts [data-league="silver"]'],
      ['#/boards/ladder/edit', '#f-leagues-1-demote'],
      ['#/boards/ladder/periods/0000000001', '#movements-table tr[data-player]'],
      ['#/boards/cup/edit', '#board-form'],
    ]) {
      await page.goto(`${t.baseUrl}/admin${hash}`);
      await page.waitForSelector(ready);
      expect(await overflow()).toBeLessThanOrEqual(0);
    }
    await page.click('#add-tier'); // the edit form's rows, with their buttons
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`${t.baseUrl}/admin#/players`);
    // A player id the API refuses: its 400 beside the field, no table.
    await page.fill('#f-find-playerId', 'no spaces');
    await page.click('#standings-form button[type=submit]');
    await page.waitForFunction(
      () =>
        document.querySelector('#standings-form [data-error-for="playerId"]')?.textContent !== '',
    );
    expect(await page.$('#standings-table')).toBeNull();
    await page.fill('#f-find-playerId', 'carol');
    await page.click('#standings-form button[type=submit]');
    await page.waitForSelector('#standings-table tr[data-board="league"]');
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
  });

  // Last: the failures it provokes are logged by Chromium as console errors.
  it('calls the API through the SDK: the key as Bearer, no cookies, failures shown at once', async () => {
    const boards = (url: URL) => url.pathname === '/v1/leaderboards';
    const sent: { auth?: string; cookie?: string }[] = [];
    page.on('request', (req) => {
      if (boards(new URL(req.url())))
        void req.allHeaders().then((h) => sent.push({ auth: h.authorization, cookie: h.cookie }));
    });
    await page.goto(`${t.baseUrl}/admin#/boards`);
    await page.waitForSelector('#boards-table tr[data-board="global"]');
    await waitFor(async () => sent.length > 0, 5000, 'the boards request');
    expect(sent).toEqual([{ auth: `Bearer ${ADMIN_KEY}`, cookie: undefined }]);

    // Valkey down: a 503 with Retry-After, which the SDK would retry by default; the console
    // shows it after one attempt.
    let attempts = 0;
    await page.route(boards, (route) => {
      attempts++;
      return route.fulfill({
        status: 503,
        headers: { 'retry-after': '1' },
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'https://valkran.dev/problems/unavailable',
          title: 'Service Unavailable',
          status: 503,
          detail: 'The store is unavailable; try again shortly.',
        }),
      });
    });
    await page.goto(`${t.baseUrl}/admin#/boards?offset=0`);
    await page.waitForFunction(() =>
      document.querySelector('#view .form-error')?.textContent?.includes('store is unavailable'),
    );
    expect(attempts).toBe(1);

    await page.unroute(boards);
    await page.route(boards, (route) => route.abort('connectionrefused'));
    await page.goto(`${t.baseUrl}/admin#/boards?offset=50`);
    await page.waitForFunction(() =>
      document.querySelector('#view .form-error')?.textContent?.includes('could not be reached'),
    );
    await page.unroute(boards);
    // Still signed in: only a 401 signs the operator out.
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
  });

  it('sends the operator back to sign in when the key stops working, at the next admin action', async () => {
    expect((await api.admin('POST', '/v1/leaderboards', { id: 'revoked' })).status).toBe(201);
    await api.submit('revoked', { playerId: 'stays', score: 1 });
    await page.goto(`${t.baseUrl}/admin#/boards/revoked`);
    await page.waitForSelector('#entries-table tbody tr[data-player="stays"]');
    // The key is removed from ADMIN_API_KEYS mid-session: the tab still holds it.
    await page.evaluate(() => sessionStorage.setItem('valkran.adminKey', 'revoked-key-0123456789'));
    await page.click('#reset-board');
    await confirm();
    await page.waitForSelector('#signin-form');
    expect(await page.isHidden('#nav')).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await page.textContent('#flash')).toContain('no longer accepted');
    // Nothing was reset.
    expect((await api.get('/v1/leaderboards/revoked/entries')).body.entries).toHaveLength(1);
  });
});
