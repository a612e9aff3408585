import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { http, startApp, TestApp } from './support/app';
import { exposition, Exposition, selectors } from './support/promql';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

/**
 * deploy/prometheus and deploy/grafana (README, "Dashboards and alerts"): the rules pass
 * promtool, their unit tests pass, every series an alert or a panel names is one a running app
 * exports, and the gauges added for them (Valkey reachability and memory, overdue resets)
 * tell the truth.
 */

const ROOT = resolve(__dirname, '..');
const ALERTS = join(ROOT, 'deploy/prometheus/alerts.yml');
const DASHBOARD = join(ROOT, 'deploy/grafana/valkran.json');
const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';

/**
 * Series the expressions may name although this app does not export them, and why. Printed by
 * the test; keep it short.
 */
const NOT_FROM_THIS_APP: Record<string, string> = {
  up: "Prometheus' own series, one per scrape target",
};

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: { refId: string; expr: string; datasource?: { uid?: string } }[];
  datasource?: { uid?: string };
  gridPos: { h: number; w: number; x: number; y: number };
}

const alertRules = (): Rule[] =>
  (parse(readFileSync(ALERTS, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
    (g) => g.rules,
  );
const dashboard = (): { uid: string; panels: Panel[]; templating: { list: { name: string }[] } } =>
  JSON.parse(readFileSync(DASHBOARD, 'utf8'));
/** Grafana's interval variables, as Prometheus would see them after Grafana's substitution. */
const panelQueries = (): { where: string; expr: string }[] =>
  dashboard().panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      where: `panel "${p.title}" ${t.refId}`,
      expr: t.expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '1m'),
    })),
  );

async function promtool(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(PROMTOOL, args, { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(`${PROMTOOL} not found: bash scripts/install-deps.sh --monitoring`);
    }
    return { code: Number(e.code), stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('alert rules and dashboard files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'valkran-monitoring-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes promtool check rules, with the alerts an operator needs', async () => {
    const res = await promtool('check', 'rules', 'deploy/prometheus/alerts.yml');
    expect(res).toMatchObject({ code: 0 });
    const rules = alertRules();
    expect(res.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'ValkranHighErrorRatio',
      'ValkranHighLatencyP99',
      'ValkranInstanceDown',
      'ValkranJobsFailing',
      'ValkranQueueBacklogGrowing',
      'ValkranResetsOverdue',
      'ValkranValkeyMemoryNearMax',
      'ValkranValkeyUnreachable',
      'ValkranWebhookFailing',
    ]);
    for (const rule of rules) expect(['warning', 'critical']).toContain(rule.labels?.severity);
  });

  it('refuses a broken rule file (the check can fail)', async () => {
    const broken = join(dir, 'broken.yml');
    writeFileSync(
      broken,
      readFileSync(ALERTS, 'utf8').replace(
        'expr: valkran_valkey_up == 0',
        'expr: valkran_valkey_up == == 0',
      ),
    );
    const res = await promtool('check', 'rules', broken);
    expect(res.code).not.toBe(0);
    expect(res.stdout + res.stderr).toMatch(/parse error/);
  });

  it('passes the rule unit tests (promtool test rules)', async () => {
    const res = await promtool('test', 'rules', 'deploy/prometheus/alerts.test.yml');
    expect(res.stdout + res.stderr).toContain('SUCCESS');
    expect(res.code).toBe(0);
  });

  it("passes promtool check config for the compose profile's Prometheus", async () => {
    const res = await promtool('check', 'config', 'deploy/prometheus/prometheus.yml');
    expect(res.stdout + res.stderr).toContain('is valid prometheus config file syntax');
    expect(res.code).toBe(0);
  });

  it('has dashboard queries that are valid PromQL, on the provisioned data source', async () => {
    const d = dashboard();
    expect(d.uid).toBe('valkran');
    expect(d.templating.list.map((v) => v.name)).toContain('datasource');
    const queries = panelQueries();
    expect(queries.length).toBeGreaterThanOrEqual(20);
    for (const p of d.panels.filter((p) => p.type !== 'row')) {
      expect(p.datasource?.uid).toBe('${datasource}');
      expect(p.targets?.length).toBeGreaterThan(0);
    }
    // Panels on one row do not overlap.
    const cells = new Set<string>();
    for (const { gridPos: g } of d.panels) {
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
    // promtool parses every query as the expression of a recording rule.
    const file = join(dir, 'panels.yml');
    writeFileSync(
      file,
      JSON.stringify({
        groups: [
          {
            name: 'panels',
            rules: queries.map((q, i) => ({ record: `valkran:panel_query_${i}`, expr: q.expr })),
          },
        ],
      }),
    );
    const res = await promtool('check', 'rules', file);
    expect(res.stdout + res.stderr).toContain(`SUCCESS: ${queries.length} rules found`);
  });
});

describe('series named by the alerts and the dashboard, against a running app', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let exported: Exposition;

  beforeAll(async () => {
    valkey = await startValkey();
    // `all`: the api and the worker side, so queue and job series exist.
    app = await startApp(valkey.url, { APP_MODE: 'all' });
    const api = http(app.baseUrl);
    expect((await api.submit('global', { playerId: 'p1', score: 10 })).status).toBe(200);
    expect((await api.get('/v1/leaderboards/global/entries')).status).toBe(200);
    // The submission's stats job gives the job-duration series their samples.
    exported = await waitFor(
      async () => {
        const e = exposition((await api.get<string>('/metrics')).body);
        return e.labels.has('valkran_job_duration_seconds_count') ? e : null;
      },
      10_000,
      'a finished job in /metrics',
    );
  }, 30000);
  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  const uses = (): { where: string; expr: string }[] => [
    ...alertRules().map((r) => ({ where: `alert ${r.alert ?? r.record}`, expr: r.expr })),
    ...panelQueries(),
  ];

  it('names only series the app exports, or the allow-list', () => {
    const missing: string[] = [];
    const allowed = new Set<string>();
    for (const { where, expr } of uses()) {
      const found = selectors(expr);
      expect(found.length).toBeGreaterThan(0);
      for (const { metric } of found) {
        if (exported.names.has(metric)) continue;
        if (metric in NOT_FROM_THIS_APP) allowed.add(metric);
        else missing.push(`${where}: ${metric}`);
      }
    }
    console.log(
      'Series named by deploy/ but not exported by this app (allow-list):\n' +
        Object.entries(NOT_FROM_THIS_APP)
          .map(
            ([name, why]) =>
              `  ${name}: ${why}${exported.names.has(name) ? ' (now exported: drop it from the list)' : ''}`,
          )
          .join('\n'),
    );
    expect(missing).toEqual([]);
    // Every entry of the allow-list is in use (a stale entry would hide a typo).
    expect([...allowed].sort()).toEqual(Object.keys(NOT_FROM_THIS_APP).sort());
  });

  it('matches only on labels those series carry', () => {
    const wrong: string[] = [];
    for (const { where, expr } of uses()) {
      for (const { metric, labels } of selectors(expr)) {
        if (metric in NOT_FROM_THIS_APP) continue;
        const carried = exported.labels.get(metric);
        for (const label of labels) {
          if (!carried?.has(label)) wrong.push(`${where}: ${metric}{${label}}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('covers every series family the issue lists, in the dashboard', () => {
    const named = new Set(panelQueries().flatMap((q) => selectors(q.expr).map((s) => s.metric)));
    for (const metric of [
      'valkran_http_request_duration_seconds_count',
      'valkran_http_request_duration_seconds_bucket',
      'valkran_submissions_total',
      'valkran_rate_limited_total',
      'valkran_queue_jobs',
      'valkran_job_duration_seconds_bucket',
      'valkran_live_sockets',
      'valkran_live_subscriptions',
      'valkran_valkey_errors_total',
      'valkran_valkey_up',
      'valkran_valkey_memory_used_bytes',
      'valkran_valkey_maxmemory_bytes',
      'valkran_resets_overdue_seconds',
    ]) {
      expect({ metric, named: named.has(metric) }).toEqual({ metric, named: true });
    }
  });
});

/** The value of an unlabelled series in Prometheus text, or null when absent. */
const sample = (text: string, series: string): number | null => {
  const m = new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};

describe('Valkey reachability and memory gauges', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    valkey = await startValkey();
    await valkey.client.config('SET', 'maxmemory', String(256 * 2 ** 20));
    app = await startApp(valkey.url, { APP_MODE: 'all' });
    api = http(app.baseUrl);
  }, 30000);
  afterAll(async () => {
    valkey?.server.resume();
    await app?.close();
    await valkey?.stop();
  });

  it("reports Valkey up, with INFO's used_memory and maxmemory", async () => {
    const node = `127.0.0.1:${valkey.server.port}`;
    const text = (await api.get<string>('/metrics')).body;
    expect(sample(text, 'valkran_valkey_up')).toBe(1);
    expect(sample(text, `valkran_valkey_maxmemory_bytes{node="${node}"}`)).toBe(256 * 2 ** 20);
    const used = sample(text, `valkran_valkey_memory_used_bytes{node="${node}"}`);
    const info = Number(/^used_memory:(\d+)/m.exec(await valkey.client.info('memory'))![1]);
    expect(used).toBeGreaterThan(info / 2);
    expect(used).toBeLessThan(info * 2);
  });

  it('reports Valkey down within a second while it is frozen, without memory figures', async () => {
    // Let the cached reading expire (it serves one second), then freeze the server.
    await new Promise((r) => setTimeout(r, 1100));
    valkey.server.pause();
    try {
      const started = Date.now();
      const res = await api.get<string>('/metrics');
      const took = Date.now() - started;
      expect(res.status).toBe(200);
      expect(took).toBeLessThan(1500);
      expect(sample(res.body, 'valkran_valkey_up')).toBe(0);
      expect(res.body).not.toMatch(/^valkran_valkey_memory_used_bytes\{/m);
      expect(res.body).not.toMatch(/^valkran_valkey_maxmemory_bytes\{/m);
    } finally {
      valkey.server.resume();
    }
    await waitFor(
      async () => sample((await api.get<string>('/metrics')).body, 'valkran_valkey_up') === 1,
      5000,
      'Valkey up again',
    );
  });
});

describe('overdue resets gauge', () => {
  let valkey: TestValkey;
  let apiOnly: TestApp;
  let worker: TestApp | undefined;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    valkey = await startValkey();
    apiOnly = await startApp(valkey.url, { APP_MODE: 'api' });
    api = http(apiOnly.baseUrl);
  }, 30000);
  afterAll(async () => {
    await worker?.close();
    await apiOnly?.close();
    await valkey?.stop();
  });

  const overdue = async (): Promise<number> =>
    sample((await api.get<string>('/metrics')).body, 'valkran_resets_overdue_seconds') ?? NaN;

  it('grows while no worker runs a due reset, and drops to 0 once one does', async () => {
    expect(await overdue()).toBe(0);
    // A schedule firing every second: its first reset is due within a second.
    expect(
      (
        await api.admin('POST', '/v1/leaderboards', {
          id: 'every-second',
          resetSchedule: '* * * * * *',
        })
      ).status,
    ).toBe(201);
    const first = await waitFor(
      async () => {
        const v = await overdue();
        return v > 0.5 && v;
      },
      5000,
      'overdue',
    );
    const later = await waitFor(
      async () => {
        const v = await overdue();
        return v >= first + 1 && v;
      },
      5000,
      'overdue growing',
    );
    expect(later).toBeLessThan(10);

    // A worker appears: it runs the due reset (the next ones are not due yet).
    worker = await startApp(valkey.url, { APP_MODE: 'worker' });
    await waitFor(async () => (await overdue()) === 0, 10_000, 'no overdue reset');
    const list = await api.get<{ periods: unknown[] }>('/v1/leaderboards/every-second/periods');
    expect(list.body.periods.length).toBeGreaterThan(0);
    // Its schedule goes with the board; then no worker again.
    expect((await api.admin('DELETE', '/v1/leaderboards/every-second')).status).toBe(204);
    await worker.close();
    worker = undefined;
    await new Promise((r) => setTimeout(r, 1100)); // a fresh reading (one serves a second)
    expect(await overdue()).toBe(0);

    // A manual reset asked for while no worker runs is overdue from the moment it was asked.
    expect((await api.admin('POST', '/v1/leaderboards/global/reset')).status).toBe(202);
    await waitFor(async () => (await overdue()) > 1, 5000, 'the manual reset overdue');
  });
});
