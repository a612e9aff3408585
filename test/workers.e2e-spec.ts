import type { ChildProcess } from 'node:child_process';
import { SchedulesService } from '../src/ranking-jobs/resets/schedules.service';
import { http, startApp, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';
import { killAll, requireBuild, startWorker } from './support/worker-process';

describe('two worker processes, one killed with SIGKILL again and again', () => {
  let valkey: TestValkey;
  let t: TestApp;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    requireBuild();
    valkey = await startValkey();
    t = await startApp(valkey.url, { APP_MODE: 'api' });
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await t.close();
    await valkey.stop();
  });

  it('archives every period exactly once over 10+ scheduled rollovers', async () => {
    const api = http(t.baseUrl);
    workers.push(await startWorker(valkey.url), await startWorker(valkey.url));
    expect(
      (
        await api.admin('POST', '/v1/leaderboards', {
          id: 'ticker',
          resetSchedule: '* * * * * *',
          retainPeriods: 365,
        })
      ).status,
    ).toBe(201);
    // The api process has no worker: only the worker processes can reset.
    expect((await api.get('/health/ready')).status).toBe(200);

    let kills = 0;
    let submits = 0;
    const deadline = Date.now() + 14_000;
    // At least 14 s and 5 kills, however slowly workers boot on a busy machine.
    while (Date.now() < deadline || kills < 5) {
      // Keep the board busy so resets archive real entries.
      for (let i = 0; i < 5; i++) {
        const res = await api.submit('ticker', { playerId: `p${submits++}`, score: submits });
        expect(res.status).toBe(200);
      }
      if (Date.now() % 3 === 0 || kills * 1500 < 14_000 - (deadline - Date.now())) {
        const victim = kills % 2;
        workers[victim].kill('SIGKILL');
        kills++;
        workers[victim] = await startWorker(valkey.url);
      }
      // A fixed (random) pause on purpose: it spreads submissions and kills over the run.
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 300));
    }
    const list = await waitFor(
      async () => {
        const body = (await api.get('/v1/leaderboards/ticker/periods')).body;
        return body.periods.length >= 10 ? body : null;
      },
      10000,
      '10 rollovers',
    );
    // Stop both workers before reading: the schedule fires every second, and a reset between
    // reading the period list and reading the entries would move entries out of view.
    await killAll(workers);
    const final = (await api.get('/v1/leaderboards/ticker/periods')).body;
    expect(final.periods.length).toBeGreaterThanOrEqual(list.periods.length);

    const periods = [...final.periods].reverse() as {
      id: string;
      startedAt: string;
      endedAt: string;
      total: number;
    }[];
    // Ids contiguous from 1: none skipped, none duplicated.
    periods.forEach((p, i) => expect(p.id).toBe(String(i + 1).padStart(10, '0')));
    expect(final.currentPeriodId).toBe(String(periods.length + 1).padStart(10, '0'));
    // Each archive closed at a distinct fire time (a whole second), and each started where the
    // previous one ended: no fire time reset two periods.
    const ends = periods.map((p) => new Date(p.endedAt).getTime());
    ends.forEach((e) => expect(e % 1000).toBe(0));
    for (let i = 1; i < periods.length; i++) {
      expect(ends[i]).toBeGreaterThan(ends[i - 1]);
      expect(periods[i].startedAt).toBe(periods[i - 1].endedAt);
    }
    // Every acknowledged submission is in exactly one period.
    const seen = new Map<string, number>();
    for (const p of [...periods.map((x) => x.id), 'current']) {
      const path =
        p === 'current'
          ? '/v1/leaderboards/ticker/entries?limit=1000'
          : `/v1/leaderboards/ticker/periods/${p}/entries?limit=1000`;
      const page = (await api.get(path)).body;
      if (p === 'current') expect(page.periodId).toBe(final.currentPeriodId);
      for (const e of page.entries) seen.set(e.playerId, (seen.get(e.playerId) ?? 0) + 1);
    }
    for (let i = 0; i < submits; i++) expect(seen.get(`p${i}`)).toBe(1);
    expect(seen.size).toBe(submits);
    const gaps = ends.slice(1).filter((e, i) => e - ends[i] > 1000).length;
    console.log(
      `${periods.length} rollovers, ${kills} SIGKILLs, ${submits} submits; ` +
        `${gaps} fire time(s) collapsed into the next while a killed worker held the job`,
    );
    expect(kills).toBeGreaterThanOrEqual(5);
  }, 120000);

  it('runs a reset whose fire time passed while no worker was up, for that fire time', async () => {
    const api = http(t.baseUrl);
    for (const w of workers.splice(0)) w.kill('SIGKILL');
    // Every 4 s; only the api process runs, so nothing can reset yet.
    const created = await api.admin('POST', '/v1/leaderboards', {
      id: 'late',
      resetSchedule: '*/4 * * * * *',
    });
    expect(created.status).toBe(201);
    const missed = Date.parse(created.body.nextResetAt);
    // A fixed wait on purpose: the fire time must pass with no worker up, and nothing resets.
    await new Promise((r) => setTimeout(r, missed - Date.now() + 300));
    expect((await api.get('/v1/leaderboards/late')).body.period.id).toBe('0000000001');
    // A booting worker re-asserts every schedule before it takes jobs; that must leave the
    // overdue job alone, and the worker then runs it for the missed fire time.
    await t.app.get(SchedulesService).assertAll();
    workers.push(await startWorker(valkey.url));
    const body = await waitFor(
      async () => {
        const b = (await api.get('/v1/leaderboards/late/periods')).body;
        return b.periods.length >= 1 ? b : null;
      },
      10000,
      'the overdue reset',
    );
    expect(Date.parse(body.periods.at(-1).endedAt)).toBe(missed);
  }, 60000);
});
