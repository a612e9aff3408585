/// <reference lib="dom" />
// The page callbacks below run in the browser.
import type { Browser, Page } from 'playwright-core';
import { verifySignature } from '../src/webhooks/signature';
import { ADMIN_KEY, http, startApp, TestApp } from './support/app';
import { launchChromium } from './support/chromium';
import { Receiver, startReceiver } from './support/receiver';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

/**
 * The admin console's webhook screens and period results with rewards (issue 12's "webhooks as
 * those features land"), in headless Chromium against a real app (api and worker) whose
 * webhooks post to a local receiver.
 */
describe('the admin console: webhooks and period results in headless Chromium', () => {
  let valkey: TestValkey;
  let t: TestApp;
  let api: ReturnType<typeof http>;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  /** Uncaught page errors and console errors (a CSP violation is one). */
  const errors: string[] = [];

  beforeAll(async () => {
    valkey = await startValkey();
    // Private targets allowed (the receiver is on 127.0.0.1); retries 0.1-0.2 s apart, so a
    // delivery runs out of attempts (and marks its webhook failing) within a second.
    t = await startApp(valkey.url, {
      APP_MODE: 'all',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_DELAYS_MS: '100,150,200',
    });
    api = http(t.baseUrl);
    receiver = await startReceiver();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      // Failed requests the test provokes on purpose (400/404) are logged by Chromium.
      if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) errors.push(msg.text());
    });
    await page.goto(`${t.baseUrl}/admin`);
    await page.fill('#f-key', ADMIN_KEY);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#boards-table');
  }, 30000);
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await t?.close();
    await valkey?.stop();
  });

  const errorFor = (path: string) =>
    page.textContent(`[data-error-for="${path}"]`).then((s) => (s ?? '').trim());
  const waitForError = (path: string) =>
    page.waitForFunction(
      (p) => (document.querySelector(`[data-error-for="${p}"]`)?.textContent ?? '') !== '',
      path,
    );
  const confirm = async () => {
    await page.waitForSelector('#confirm[open]');
    await page.click('#confirm-ok');
  };
  const cells = (selector: string) =>
    page.$$eval(selector, (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
  /** No horizontal scrolling at phone width on each view (tables scroll inside their panel). */
  const fitsPhone = async (views: [hash: string, ready: string][]) => {
    await page.setViewportSize({ width: 375, height: 740 });
    for (const [hash, ready] of views) {
      await page.goto(`${t.baseUrl}/admin${hash}`);
      await page.waitForSelector(ready);
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  };

  it('registers a webhook (errors beside their fields), pings it, logs deliveries, shows failing, edits and deletes it', async () => {
    await page.click('nav a[href="#/webhooks"]');
    await page.waitForSelector('#webhook-form');
    expect(await page.textContent('#webhooks-table')).toContain('No webhooks');
    // period.closed is checked by default; with no event and a short secret, the API names both.
    expect(await page.isChecked('#f-event-period-closed')).toBe(true);
    await page.uncheck('#f-event-period-closed');
    await page.fill('#webhook-form [name=url]', receiver.url);
    await page.fill('#webhook-form [name=secret]', 'short');
    await page.click('#webhook-submit');
    await waitForError('events');
    expect(await errorFor('events')).toMatch(/at least 1/);
    expect(await errorFor('secret')).toMatch(/16-256/);
    expect(await errorFor('url')).toBe('');
    expect(await page.getAttribute('#webhook-form [name=secret]', 'aria-invalid')).toBe('true');
    // A URL the target policy refuses: beside the URL only.
    await page.check('#f-event-period-closed');
    await page.check('#f-event-player-erased');
    await page.fill('#webhook-form [name=secret]', '');
    await page.fill('#webhook-form [name=url]', 'ftp://127.0.0.1/hook');
    await page.click('#webhook-submit');
    await waitForError('url');
    expect(await errorFor('url')).toBe('must be an http(s) URL');
    expect(await errorFor('events')).toBe('');
    expect(await errorFor('secret')).toBe('');
    expect((await api.admin('GET', '/v1/webhooks')).body).toEqual([]);

    // Registered: the generated secret is shown once, and it is the one deliveries are signed with.
    await page.fill('#webhook-form [name=url]', receiver.url);
    await page.fill('#webhook-form [name=description]', 'payouts <b>now</b>');
    await page.click('#webhook-submit');
    await page.waitForSelector('#created-secret');
    const secret = (await page.textContent('#secret-value'))!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const [hook] = (await api.admin('GET', '/v1/webhooks')).body;
    expect(hook).toMatchObject({
      url: receiver.url,
      events: ['period.closed', 'player.erased'],
      description: 'payouts <b>now</b>',
    });
    const row = `#webhooks-table tr[data-webhook="${hook.id}"]`;
    expect(await page.textContent(`${row} [data-col="health"]`)).toBe('No deliveries yet');
    expect(await page.textContent(`${row} [data-col="events"]`)).toBe(
      'period.closed, player.erased',
    );
    expect(await page.$(`${row} b`)).toBeNull(); // data is text, never markup
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1); // the key only
    expect(page.url()).not.toContain(secret);

    // The test ping: signed with the secret shown, and in the deliveries log.
    await page.click(`${row} a`);
    await page.waitForSelector('#deliveries-table');
    expect(await page.textContent('#webhook-title')).toBe(hook.id);
    expect(await page.textContent('#deliveries-table')).toContain('No delivery attempts yet');
    await page.click('#test-webhook');
    await page.waitForSelector('#ping-result[data-ok="true"]');
    const [ping] = receiver.of('ping');
    expect(
      verifySignature(
        String(ping.headers['valkran-signature']),
        secret,
        ping.body,
        Date.now() / 1000,
      ),
    ).toBe(true);
    const pingId = String(ping.headers['valkran-delivery']);
    expect(await page.textContent('#ping-result')).toContain(pingId);
    await page.waitForSelector(`#deliveries-table tr[data-delivery="${pingId}"]`);
    expect(await cells('#deliveries-table tbody tr')).toEqual([
      [expect.any(String), 'ping', '1', '200', expect.stringMatching(/ ms$/), '', '—', pingId],
    ]);
    expect(await page.textContent('[data-col="health"]')).toBe('Healthy');

    // A receiver that refuses: an event's delivery runs out of attempts, the webhook is failing.
    receiver.respond = () => 500;
    await api.admin('POST', '/v1/leaderboards', { id: 'erasable' });
    await api.submit('erasable', { playerId: 'gone', score: 1 });
    await api.admin('DELETE', '/v1/players/gone');
    await waitFor(
      async () => (await api.admin('GET', `/v1/webhooks/${hook.id}`)).body.failing,
      10_000,
      'the webhook to be failing',
    );
    await page.click('#deliveries-refresh');
    await page.waitForFunction(
      () => document.querySelectorAll('#deliveries-table tr[data-event="player.erased"]').length,
    );
    await page.reload();
    await page.waitForSelector('[data-col="health"] [data-failing="true"]');
    expect(await page.textContent('[data-col="health"]')).toMatch(/^Failing since /);
    const erased = await cells('#deliveries-table tr[data-event="player.erased"]');
    expect(erased.map((c) => [c[2], c[3]])).toEqual([
      ['4', '500'],
      ['3', '500'],
      ['2', '500'],
      ['1', '500'],
    ]);
    // Retries keep the delivery id (Valkran-Delivery).
    expect(new Set(erased.map((c) => c[7])).size).toBe(1);
    await page.goto(`${t.baseUrl}/admin#/webhooks`);
    await page.waitForSelector(`${row} [data-failing="true"]`);

    // A failed ping says why; then a successful one clears the failing state.
    await page.click(`${row} a`);
    await page.waitForSelector('#test-webhook');
    await page.click('#test-webhook');
    await page.waitForSelector('#ping-result[data-ok="false"]');
    expect(await page.textContent('#ping-result')).toContain('status 500');
    receiver.respond = () => 200;
    await page.click('#test-webhook');
    await page.waitForSelector('#ping-result[data-ok="true"]');
    expect(await page.textContent('[data-col="health"]')).toBe('Healthy');
    expect((await api.admin('GET', `/v1/webhooks/${hook.id}`)).body.failing).toBe(false);

    // Edit: a bad URL beside its field, nothing changed; then new events, description, secret.
    await page.fill('#webhook-edit-form [name=url]', 'not a url');
    await page.click('#webhook-save');
    await page.waitForFunction(
      () =>
        (document.querySelector('#webhook-edit-form [data-error-for="url"]')?.textContent ?? '') !==
        '',
    );
    expect((await api.admin('GET', `/v1/webhooks/${hook.id}`)).body.url).toBe(receiver.url);
    await page.fill('#webhook-edit-form [name=url]', receiver.url);
    await page.uncheck('#webhook-edit-form #f-event-player-erased');
    await page.check('#webhook-edit-form #f-event-leaderboard-deleted');
    await page.fill('#webhook-edit-form [name=description]', '');
    await page.fill('#webhook-edit-form [name=secret]', 'rotated-secret-0123456789');
    await page.click('#webhook-save');
    await page.waitForFunction(() =>
      document
        .querySelector('#webhook-health')
        ?.textContent?.includes('period.closed, leaderboard.deleted'),
    );
    expect((await api.admin('GET', `/v1/webhooks/${hook.id}`)).body).toMatchObject({
      url: receiver.url,
      events: ['period.closed', 'leaderboard.deleted'],
      description: null,
    });
    await page.waitForSelector('#webhook-edit-form');
    await page.click('#test-webhook');
    await page.waitForSelector('#ping-result[data-ok="true"]');
    const last = receiver.of('ping').at(-1)!;
    expect(
      verifySignature(
        String(last.headers['valkran-signature']),
        'rotated-secret-0123456789',
        last.body,
        Date.now() / 1000,
      ),
    ).toBe(true);

    await fitsPhone([
      ['#/webhooks', `${row}`],
      [`#/webhooks/${hook.id}`, '#deliveries-table tr[data-delivery]'],
    ]);

    // Delete, asked first: cancelled changes nothing.
    await page.goto(`${t.baseUrl}/admin#/webhooks/${hook.id}`);
    await page.click('#delete-webhook');
    await page.waitForSelector('#confirm[open]');
    await page.click('#confirm-cancel');
    expect((await api.admin('GET', `/v1/webhooks/${hook.id}`)).status).toBe(200);
    await page.click('#delete-webhook');
    await confirm();
    await page.waitForSelector('#webhook-form');
    expect(await page.textContent('#webhooks-table')).toContain('No webhooks');
    expect((await api.admin('GET', `/v1/webhooks/${hook.id}`)).status).toBe(404);
  }, 60000);

  it('sets rewards through the board form (errors beside their fields) and shows an archived period’s results with rewards, pending first', async () => {
    await page.goto(`${t.baseUrl}/admin#/new`);
    await page.waitForSelector('#board-form');
    await page.fill('#f-id', 'payout');
    await page.fill('#f-resultsTop', '3');
    await page.click('#add-reward');
    await page.click('#add-reward');
    await page.fill('#f-rewards-0-fromRank', '0');
    await page.fill('#f-rewards-0-toRank', '1');
    await page.fill('#f-rewards-0-reward', '{"gems": 500}');
    await page.fill('#f-rewards-1-fromRank', '2');
    await page.fill('#f-rewards-1-toRank', '5');
    await page.fill('#f-rewards-1-reward', 'gold badge');
    // Not JSON: the form cannot send it as typed and says so beside it; nothing is sent.
    await page.click('#board-submit');
    await waitForError('rewards.1.reward');
    expect(await errorFor('rewards.1.reward')).toMatch(/must be JSON/);
    expect(await errorFor('rewards.0.fromRank')).toBe('');
    expect(await page.getAttribute('#f-rewards-1-reward', 'aria-invalid')).toBe('true');
    // The API's rules, beside their fields: rank 0, then a range past the results.
    await page.fill('#f-rewards-1-reward', '"badge"');
    await page.click('#board-submit');
    await waitForError('rewards.0.fromRank');
    expect(await errorFor('rewards.0.fromRank')).toMatch(/not be less than 1/);
    expect(await errorFor('rewards.1.reward')).toBe('');
    await page.fill('#f-rewards-0-fromRank', '1');
    await page.click('#board-submit');
    await waitForError('rewards.1.toRank');
    expect(await errorFor('rewards.1.toRank')).toMatch(/resultsTop \(3\)/);
    expect((await api.get('/v1/leaderboards/payout')).status).toBe(404);
    await page.fill('#f-rewards-1-toRank', '3');
    await page.click('#board-submit');
    await page.waitForSelector('#board-title');
    expect((await api.get('/v1/leaderboards/payout')).body).toMatchObject({
      resultsTop: 3,
      rewards: [
        { fromRank: 1, toRank: 1, reward: { gems: 500 } },
        { fromRank: 2, toRank: 3, reward: 'badge' },
      ],
    });
    const config = await page.textContent('#board-config');
    expect(config).toContain('best 3 of each closed period');
    expect(config).toContain('1–1: {"gems":500}, 2–3: "badge"');

    // Scores through the API; the console resets; results are pending until the worker wrote
    // them (held back here by answering the reads 404, as the API does before), then shown.
    await api.batch('payout', [
      { playerId: 'ann', score: 40, displayName: 'Ann' },
      { playerId: 'bob', score: 30 },
      { playerId: 'cat', score: 20 },
      { playerId: 'dan', score: 10 },
    ]);
    const results = (url: URL) => url.pathname.endsWith('/periods/0000000001/results');
    let held = 0;
    await page.route(results, (route) => {
      held++;
      return route.fulfill({
        status: 404,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'https://valkran.dev/problems/not-found',
          title: 'Not Found',
          status: 404,
          detail: 'no results yet',
        }),
      });
    });
    await page.reload();
    await page.waitForSelector('#reset-board');
    await page.click('#reset-board');
    await confirm();
    await page.waitForSelector('#periods-table tr[data-period="0000000001"]', { timeout: 15000 });
    await page.click('#periods-table tr[data-period="0000000001"] a');
    await page.waitForSelector('#results-status[data-status="pending"]');
    expect(await page.textContent('#results-panel')).toContain('Results pending');
    expect(held).toBeGreaterThan(0);
    // The worker has written them by now; the panel reads again by itself.
    await waitFor(
      async () =>
        (await api.get('/v1/leaderboards/payout/periods/0000000001/results')).status === 200,
      10_000,
      'the results',
    );
    await page.unroute(results);
    await page.waitForSelector('#results-status[data-status="ready"]', { timeout: 10000 });
    expect(await page.textContent('#results-status')).toContain('4 players at the close');
    expect(await page.textContent('#results-status')).toContain('3 with a reward');
    expect(await cells('#results-table tbody tr')).toEqual([
      ['1', 'Ann ann', '40', '{"gems":500}'],
      ['2', 'bob', '30', '"badge"'],
      ['3', 'cat', '20', '"badge"'],
    ]);
    // The archived entries are all there; the results hold the best resultsTop (3).
    expect(await page.$$eval('#period-table tbody tr[data-player]', (r) => r.length)).toBe(4);

    // Editing: the rewards as loaded, changed for the next close.
    await page.goto(`${t.baseUrl}/admin#/boards/payout/edit`);
    await page.waitForSelector('#board-form[data-mode="edit"]');
    expect(await page.inputValue('#f-rewards-0-reward')).toBe('{"gems":500}');
    await page.fill('#f-rewards-1-reward', '{"gems": 50}');
    await page.click('#board-submit');
    await page.waitForSelector('#board-title');
    expect((await api.get('/v1/leaderboards/payout')).body.rewards[1]).toEqual({
      fromRank: 2,
      toRank: 3,
      reward: { gems: 50 },
    });
    // The closed period keeps what it paid.
    expect(
      (await api.get('/v1/leaderboards/payout/periods/0000000001/results')).body.entries[1].reward,
    ).toBe('badge');

    await fitsPhone([
      ['#/boards/payout/periods/0000000001', '#results-table tr[data-player]'],
      ['#/boards/payout/edit', '#f-rewards-1-reward'],
    ]);
    expect(errors).toEqual([]);
  }, 60000);
});
