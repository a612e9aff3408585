import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { parse as parseYaml } from 'yaml';
import { runBoardsCli } from '../src/boards-cli';
import { getMetadataStorage } from 'class-validator';
import { defaultSettings } from '../src/leaderboard/board';
import { BoardsFileError } from '../src/leaderboard/boards-file/boards-file';
import { CreateBoardDto } from '../src/leaderboard/dto/board.dto';
import { JobQueues } from '../src/ranking-jobs/queue/job-queues';
import { startApp } from './support/app';
import { useApp } from './support/fixture';

/** Every key and its serialized value: equal snapshots mean nothing was written. */
async function snapshot(client: Redis): Promise<string[]> {
  const keys = (await client.keys('*')).sort();
  return Promise.all(
    keys.map(async (k) => `${k} ${(await client.dumpBuffer(k))?.toString('hex') ?? '-'}`),
  );
}

const EXAMPLE = join(__dirname, '..', 'boards.example.yaml');

interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Temporary boards files and the CLI (in-process, as `npm run boards` runs it) against `valkeyUrl`. */
function boardsCli(valkeyUrl: () => string) {
  const dir = mkdtempSync(join(tmpdir(), 'valkran-boards-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name: string, text: string): string {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    async run(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
      let out = '';
      let err = '';
      const code = await runBoardsCli(
        args,
        { NODE_ENV: 'test', VALKEY_URL: valkeyUrl(), LOG_LEVEL: 'silent', ...env },
        { out: (t) => (out += t), err: (t) => (err += t) },
      );
      return { code, out, err };
    },
  };
}

const ARENA_YAML = `
boards:
  - id: arena
    title: Arena
    rankMode: competition
    resetSchedule: '0 0 * * 1'
    timezone: Europe/Berlin
    tiers:
      - name: gold
        topPercent: 1
  - id: laps
    sortOrder: asc
    updateMode: latest
    minScore: 1
`;

describe('boards file: plan and apply (e2e)', () => {
  const f = useApp({}, 'x');
  const cli = boardsCli(() => f.valkey.url);

  it('plans without changing anything, applies, and a second apply changes nothing', async () => {
    const file = cli.write('boards.yaml', ARENA_YAML);
    const plan = await cli.run(['plan', file]);
    expect(plan).toMatchObject({ code: 0, err: '' });
    expect(plan.out).toContain(
      '+ create arena: title "Arena", rankMode "competition", resetSchedule "0 0 * * 1", timezone "Europe/Berlin", tiers [{"name":"gold","topPercent":1}]',
    );
    expect(plan.out).toContain('+ create laps: sortOrder "asc", updateMode "latest", minScore 1');
    expect(plan.out).toContain('= not in the file, kept (prune is off): global');
    expect(plan.out).toContain('Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged.');
    expect((await f.api.get('/v1/leaderboards/arena')).status).toBe(404);

    const applied = await cli.run(['apply', file]);
    expect(applied.code).toBe(0);
    expect(applied.out).toContain('Applied: 2 created, 0 updated, 0 deleted, 0 unchanged.');
    const arena = await f.api.get('/v1/leaderboards/arena');
    expect(arena.body).toMatchObject({
      ...defaultSettings('arena'),
      title: 'Arena',
      rankMode: 'competition',
      resetSchedule: '0 0 * * 1',
      timezone: 'Europe/Berlin',
      tiers: [{ name: 'gold', topPercent: 1 }],
    });
    expect(arena.body.nextResetAt).not.toBeNull();
    expect((await f.api.get('/v1/leaderboards/laps')).body).toMatchObject({
      ...defaultSettings('laps'),
      sortOrder: 'asc',
      updateMode: 'latest',
      minScore: 1,
    });
    // The reset scheduler follows the board as it does for POST /v1/leaderboards.
    expect(await f.app.app.get(JobQueues).scheduledBoards()).toContain('arena');

    const before = await snapshot(f.valkey.client);
    const again = await cli.run(['apply', file]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('No changes: the boards match');
    expect(again.out).toContain('= unchanged: arena, laps');
    expect(await snapshot(f.valkey.client)).toEqual(before);
    expect((await cli.run(['plan', file])).out).toContain('No changes');
  });

  it('patches the mutable fields that differ, and a setting left out goes back to its default', async () => {
    const file = cli.write(
      'patch.yaml',
      `boards:
  - id: patchme
    title: Before
    retainPeriods: 3
    resetSchedule: '0 4 * * *'
    maxScore: 100
`,
    );
    expect((await cli.run(['apply', file])).code).toBe(0);
    expect(await f.app.app.get(JobQueues).scheduledBoards()).toContain('patchme');
    cli.write(
      'patch.yaml',
      `boards:
  - id: patchme
    title: After
    retainPeriods: 3
    maxScore: 200
    tiers: [{ name: top, topPercent: 5 }]
`,
    );
    const plan = await cli.run(['plan', file]);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain(
      '~ update patchme: title "Before" -> "After", resetSchedule "0 4 * * *" -> null, maxScore 100 -> 200, tiers [] -> [{"name":"top","topPercent":5}]',
    );
    expect(plan.out).toContain('Plan: 0 to create, 1 to update, 0 to delete');
    expect((await f.api.get('/v1/leaderboards/patchme')).body.title).toBe('Before');

    const applied = await cli.run(['apply', file]);
    expect(applied.code).toBe(0);
    expect(applied.out).toContain('Applied: 0 created, 1 updated');
    expect((await f.api.get('/v1/leaderboards/patchme')).body).toMatchObject({
      title: 'After',
      retainPeriods: 3,
      resetSchedule: null,
      maxScore: 200,
      tiers: [{ name: 'top', topPercent: 5 }],
      nextResetAt: null,
    });
    expect(await f.app.app.get(JobQueues).scheduledBoards()).not.toContain('patchme');
    expect((await cli.run(['apply', file])).out).toContain('No changes');
  });

  it('refuses a file whose immutable field differs, naming board and field, and changes nothing', async () => {
    await f.api.admin('POST', '/v1/leaderboards', { id: 'fixed', title: 'Fixed' });
    const file = cli.write(
      'refused.yaml',
      `boards:
  - id: fixed
    title: Renamed
    sortOrder: asc
    rankMode: dense
  - id: brand-new
`,
    );
    const before = await snapshot(f.valkey.client);
    const plan = await cli.run(['plan', file]);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain(
      '! refuse fixed: sortOrder "desc" -> "asc", rankMode "ordinal" -> "dense" (immutable',
    );
    expect(plan.out).toContain('Refused: 1 board(s) differ in an immutable field');

    const applied = await cli.run(['apply', file]);
    expect(applied.code).toBe(1);
    expect(applied.err).toContain('refused.yaml is refused');
    expect(applied.err).toContain(
      'board "fixed", field sortOrder: is "desc" on the server and "asc" in the file',
    );
    expect(applied.err).toContain('board "fixed", field rankMode: is "ordinal"');
    expect(await snapshot(f.valkey.client)).toEqual(before);
    expect((await f.api.get('/v1/leaderboards/fixed')).body.title).toBe('Fixed');
    expect((await f.api.get('/v1/leaderboards/brand-new')).status).toBe(404);
  });

  it('reads JSON as well as YAML, and accepts board documents from GET (read-only fields ignored)', async () => {
    const yaml = cli.write(
      'same.yaml',
      'boards:\n  - id: twin\n    title: Twin\n    tiers: [{name: a, topPercent: 50}]\n',
    );
    expect((await cli.run(['apply', yaml])).code).toBe(0);
    const doc = (await f.api.get('/v1/leaderboards/twin')).body as Record<string, unknown>;
    expect(doc).toHaveProperty('memberCount');
    expect(doc).toHaveProperty('period');
    const json = cli.write('same.json', JSON.stringify({ boards: [doc] }));
    const plan = await cli.run(['plan', json]);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('= unchanged: twin');
    expect(plan.out).toContain('No changes');

    const changed = cli.write(
      'changed.json',
      JSON.stringify({ boards: [{ ...doc, title: 'Twin (JSON)' }, { id: 'json-only' }] }),
    );
    const applied = await cli.run(['apply', changed]);
    expect(applied.code).toBe(0);
    expect(applied.out).toContain('~ update twin: title "Twin" -> "Twin (JSON)"');
    expect(applied.out).toContain('+ create json-only');
    expect((await f.api.get('/v1/leaderboards/twin')).body.title).toBe('Twin (JSON)');
    expect((await f.api.get('/v1/leaderboards/json-only')).status).toBe(200);

    const asJson = await cli.run(['plan', changed, '--json']);
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.out)).toMatchObject({
      prune: false,
      listed: 2,
      changes: [],
      unchanged: ['twin', 'json-only'],
      refused: false,
    });
  });

  it('refuses an invalid file with every problem named by board and field, changing nothing', async () => {
    const before = await snapshot(f.valkey.client);
    const file = cli.write(
      'invalid.yaml',
      `prune: maybe
boards:
  - id: ok-board
  - id: bad-sort
    sortOrder: sideways
    colour: red
  - id: Not Valid
  - id: bad-tier
    tiers: [{ name: gold, topPercent: 0 }]
  - id: bad-bounds
    minScore: 10
    maxScore: 5
  - id: bad-cron
    resetSchedule: every monday
  - id: ok-board
  - 42
`,
    );
    for (const command of ['plan', 'apply']) {
      const run = await cli.run([command, file]);
      expect(run.code).toBe(1);
      expect(run.out).toBe('');
      expect(run.err).toContain('invalid.yaml is invalid (nothing was changed)');
      expect(run.err).toContain('field prune: must be a boolean value');
      expect(run.err).toContain('board "bad-sort", field sortOrder: must be one of');
      expect(run.err).toContain('board "bad-sort", field colour: is not a known field');
      expect(run.err).toContain('boards[2], field id: must match');
      expect(run.err).toContain('board "bad-tier", field tiers.0.topPercent: must not be less');
      expect(run.err).toContain('board "bad-cron", field resetSchedule: must be a cron');
      expect(run.err).toContain('boards[7]: must be a mapping (id, title, ...)');
      expect(run.err).not.toContain('nested property');
    }
    // Once the per-field errors are fixed, the rules between fields and duplicates are next.
    cli.write(
      'invalid.yaml',
      `boards:
  - id: bad-bounds
    minScore: 10
    maxScore: 5
  - id: twice
  - id: twice
`,
    );
    const run = await cli.run(['apply', file]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('board "twice", field id: is listed twice (boards[1] and boards[2])');
    cli.write('invalid.yaml', 'boards:\n  - id: bad-bounds\n    minScore: 10\n    maxScore: 5\n');
    expect((await cli.run(['apply', file])).err).toContain(
      'board "bad-bounds", field minScore: must not be greater than maxScore',
    );

    const syntax = cli.write('syntax.yaml', 'boards:\n  - id: a\n   title: [unclosed\n');
    const bad = await cli.run(['apply', syntax]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      /syntax\.yaml is invalid \(nothing was changed\):\n {2}- not valid YAML: .*line 3/,
    );
    const badJson = await cli.run(['plan', cli.write('broken.json', '{"boards": [')]);
    expect(badJson.err).toContain('not valid JSON');
    const list = await cli.run(['plan', cli.write('list.yaml', '- id: a\n')]);
    expect(list.err).toContain('the file must hold a mapping with a `boards` list');
    const missing = await cli.run(['apply', join(cli.dir, 'nope.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.yaml cannot be read:\n {2}- ENOENT/);
    const jsonErr = await cli.run(['apply', file, '--json']);
    expect(JSON.parse(jsonErr.out).error.problems).toEqual([
      { board: 'bad-bounds', field: 'minScore', message: 'must not be greater than maxScore' },
    ]);

    expect(await snapshot(f.valkey.client)).toEqual(before);
  });

  it('takes the file from BOARDS_FILE by default and explains wrong usage', async () => {
    const file = cli.write('default.yaml', 'boards:\n  - id: from-env\n');
    const run = await cli.run(['plan'], { BOARDS_FILE: file });
    expect(run.code).toBe(0);
    expect(run.out).toContain('+ create from-env');
    expect((await cli.run(['plan'])).code).toBe(2);
    expect((await cli.run(['plan'])).err).toContain('No boards file: name one or set BOARDS_FILE');
    expect((await cli.run(['destroy', file])).code).toBe(2);
    expect((await cli.run(['apply', file, 'extra'])).err).toContain('Usage: npm run boards');
    expect((await cli.run(['plan', file], { MAX_BOARDS: 'lots' })).code).toBe(78);
  });

  it('two applies at once (two workers starting together) both succeed', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `race-${i}`);
    const file = cli.write(
      'race.yaml',
      `boards:\n${ids.map((id) => `  - id: ${id}\n    title: Race ${id}\n`).join('')}`,
    );
    const runs = await Promise.all([cli.run(['apply', file]), cli.run(['apply', file])]);
    expect(runs.map((r) => [r.code, r.err])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    for (const id of ids)
      expect((await f.api.get(`/v1/leaderboards/${id}`)).body.title).toBe(`Race ${id}`);
    expect((await cli.run(['plan', file])).out).toContain('No changes');
  });

  it('refuses a file that would exceed MAX_BOARDS before changing anything', async () => {
    const ids = (await f.api.get('/v1/leaderboards')).body as unknown[];
    const file = cli.write('many.yaml', 'boards:\n  - id: one-more\n  - id: two-more\n');
    const run = await cli.run(['apply', file], { MAX_BOARDS: String(ids.length + 1) });
    expect(run.code).toBe(1);
    expect(run.err).toContain(`more than MAX_BOARDS (${ids.length + 1}); nothing was changed`);
    expect((await f.api.get('/v1/leaderboards/one-more')).status).toBe(404);
  });
});

describe('boards file: prune (e2e)', () => {
  const f = useApp({}, 'p');
  const cli = boardsCli(() => f.valkey.url);

  it('deletes unlisted boards only with prune: true, and never global', async () => {
    const keep = await f.board({ title: 'Keep' });
    const drop = await f.board();
    expect((await f.api.submit(drop, { playerId: 'p1', score: 5 })).status).toBe(200);
    const noPrune = cli.write('keep.yaml', `boards:\n  - id: ${keep}\n    title: Keep\n`);
    const kept = await cli.run(['apply', noPrune]);
    expect(kept.out).toContain(`= not in the file, kept (prune is off): global, ${drop}`);
    expect((await f.api.get(`/v1/leaderboards/${drop}`)).status).toBe(200);

    const prune = cli.write(
      'prune.yaml',
      `prune: true\nboards:\n  - id: ${keep}\n    title: Keep\n  - id: added\n`,
    );
    const plan = await cli.run(['plan', prune]);
    expect(plan.out).toContain(`- delete ${drop} (1 players in its current period)`);
    expect(plan.out).toContain('= not in the file, kept (global is never pruned): global');
    expect((await f.api.get(`/v1/leaderboards/${drop}`)).status).toBe(200);

    const applied = await cli.run(['apply', prune]);
    expect(applied.code).toBe(0);
    expect(applied.out).toContain('Applied: 1 created, 0 updated, 1 deleted, 1 unchanged.');
    const ids = ((await f.api.get('/v1/leaderboards')).body as { id: string }[]).map((b) => b.id);
    expect(ids).toEqual(['added', 'global', keep]);
    expect((await cli.run(['apply', prune])).out).toContain('No changes');
  });
});

describe('boards file: the example and worker startup (e2e)', () => {
  const f = useApp({}, 'w');
  const cli = boardsCli(() => f.valkey.url);

  it('boards.example.yaml sets every board option and applies cleanly', async () => {
    const example = parseYaml(readFileSync(EXAMPLE, 'utf8')) as {
      prune: boolean;
      boards: Record<string, unknown>[];
    };
    expect(example).toHaveProperty('prune');
    const used = new Set(example.boards.flatMap((b) => Object.keys(b)));
    // Every property POST /v1/leaderboards validates (a new option joins this list by itself).
    const options = getMetadataStorage()
      .getTargetValidationMetadatas(CreateBoardDto, '', true, false)
      .map((m) => m.propertyName);
    expect(options).toEqual(expect.arrayContaining(['id', ...Object.keys(defaultSettings('x'))]));
    for (const option of options) expect(used).toContain(option);
    const applied = await cli.run(['apply', EXAMPLE]);
    expect(applied.code).toBe(0);
    expect((await cli.run(['apply', EXAMPLE])).out).toContain('No changes');
  });

  it('a worker applies BOARDS_FILE at startup and refuses to start on an immutable change', async () => {
    const file = cli.write(
      'worker.yaml',
      'boards:\n  - id: boot-board\n    title: Boot\n    updateMode: increment\n',
    );
    const worker = await startApp(f.valkey.url, { APP_MODE: 'worker', BOARDS_FILE: file });
    try {
      expect((await f.api.get('/v1/leaderboards/boot-board')).body).toMatchObject({
        title: 'Boot',
        updateMode: 'increment',
      });
    } finally {
      await worker.close();
    }
    cli.write('worker.yaml', 'boards:\n  - id: boot-board\n    title: Renamed\n');
    const refused = startApp(f.valkey.url, { APP_MODE: 'worker', BOARDS_FILE: file });
    await expect(refused).rejects.toBeInstanceOf(BoardsFileError);
    await expect(refused).rejects.toThrow(
      /board "boot-board", field updateMode: is "increment" on the server and "best" in the file/,
    );
    expect((await f.api.get('/v1/leaderboards/boot-board')).body.title).toBe('Boot');
  });
});
