/// <reference lib="dom" />
// The page callbacks below run in the browser.
import { Browser, Page } from 'playwright-core';
import { LiveGateway } from '../src/realtime/live.gateway';
import { http, startApp, TestApp } from './support/app';
import { buildBrowserBundle } from './support/browser-bundle';
import { launchChromium } from './support/chromium';
import { startValkey, TestValkey } from './support/valkey';

describe('the live page in headless Chromium', () => {
  let valkey: TestValkey;
  let t: TestApp;
  let api: ReturnType<typeof http>;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    buildBrowserBundle(); // the page runs on the SDK's bundle
    valkey = await startValkey();
    t = await startApp(valkey.url, { APP_MODE: 'all' });
    api = http(t.baseUrl);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
  }, 30000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await valkey?.stop();
  });

  it('shows a board, updates it live without reload, looks a player up and shows resets', async () => {
    await api.admin('POST', '/v1/leaderboards', { id: 'arena', title: 'Arena' });
    await api.batch('arena', [
      { playerId: 'alice', score: 300, displayName: 'Alice' },
      { playerId: 'bob', score: 200 },
      { playerId: 'carol', score: 100 },
    ]);
    await page.goto(`${t.baseUrl}/`);
    await page.waitForSelector('#board option[value="arena"]', { state: 'attached' });
    await page.selectOption('#board', 'arena');
    await page.waitForFunction(() => document.querySelectorAll('#top-table tbody tr').length === 3);
    const rows = () =>
      page.$$eval('#top-table tbody tr', (trs) =>
        trs.map((tr) => (tr as HTMLElement).dataset.player),
      );
    expect(await rows()).toEqual(['alice', 'bob', 'carol']);
    expect(await page.textContent('#top-table tbody tr:first-child')).toContain('Alice (alice)');

    // A write over REST shows up without a reload, within 2 s, with the moved row highlighted.
    const marker = await page.evaluate(
      () => ((window as unknown as { marker: number }).marker = 42),
    );
    const sent = Date.now();
    await api.submit('arena', { playerId: 'carol', score: 999 });
    await page.waitForFunction(
      () => document.querySelector('#top-table tbody tr')?.getAttribute('data-player') === 'carol',
      undefined,
      { timeout: 2000 },
    );
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(
      marker,
    );
    expect(await rows()).toEqual(['carol', 'alice', 'bob']);
    expect(await page.getAttribute('#top-table tbody tr:first-child', 'class')).toContain(
      'moved-up',
    );

    // Look a player up: rank, score, around.
    await page.fill('#player', 'bob');
    await page.click('#lookup-form button');
    await page.waitForSelector('#player-card:not([hidden])');
    await page.waitForSelector('#around-table:not([hidden])');
    expect(await page.textContent('#player-card')).toMatch(/#3[\s\S]*200 points/);
    expect(await page.$$eval('#around-table tbody tr', (trs) => trs.length)).toBe(3);
    await page.fill('#player', 'nobody');
    await page.click('#lookup-form button');
    await page.waitForFunction(() =>
      document.querySelector('#player-card')?.textContent?.includes('not on leaderboard'),
    );

    // A reset shows the banner and empties the list.
    await api.admin('POST', '/v1/leaderboards/arena/reset');
    await page.waitForSelector('#banner:not([hidden])', { timeout: 3000 });
    expect(await page.textContent('#banner')).toContain('0000000002');
    await page.waitForFunction(
      () => document.querySelectorAll('#top-table tbody tr').length === 0,
      undefined,
      {
        timeout: 3000,
      },
    );
    expect(errors).toEqual([]);
  }, 30000);

  it('runs on the SDK bundle, which renews the subscription after the server drops the connection', async () => {
    await page.goto(`${t.baseUrl}/?board=arena`);
    await page.waitForSelector('#status.on');
    expect(
      await page.evaluate(() => typeof (window as unknown as { Valkran: any }).Valkran.LiveClient),
    ).toBe('function');
    expect(await page.$('script[src="/socket.io/socket.io.js"]')).toBeNull();
    await api.submit('arena', { playerId: 'dave', score: 5 });
    await page.waitForFunction(
      () => document.querySelector('#top-table tbody tr')?.getAttribute('data-player') === 'dave',
    );

    t.app.get(LiveGateway).disconnectAll();
    await page.waitForSelector('#status:not(.on)');
    await page.waitForSelector('#status.on', { timeout: 10000 });
    // No reload, no page code for it: the SDK subscribed again, so this write shows up.
    await api.submit('arena', { playerId: 'erin', score: 50 });
    await page.waitForFunction(
      () => document.querySelector('#top-table tbody tr')?.getAttribute('data-player') === 'erin',
      undefined,
      { timeout: 5000 },
    );
    expect(errors).toEqual([]);
  }, 30000);

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${t.baseUrl}/?board=arena`);
    await page.waitForSelector('#top-table');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
