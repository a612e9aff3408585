// Architecture rules (STYLE.md "Habits"), enforced by `npm run arch` in `npm test`;
// `npm run graph` prints the folder-level graph they apply to. Paths are relative to the
// repository root. Only src/ is cruised and spec files are excluded (options.exclude):
// tests may reach anywhere.

const INFRASTRUCTURE = '^src/(valkey|common|config)/';
// The key layout: src/valkey/keys.ts today; any keys.ts or *.keys.ts a feature grows counts too.
const KEY_LAYOUT = '(^|/)keys\\.ts$|\\.keys\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment:
        'Folders of src/ depend on each other in one direction only (a DAG): when folder A ' +
        'imports folder B, nothing in B imports A, not even through a third folder. Break the ' +
        'loop by moving the shared piece down into the folder both can import, or by turning ' +
        'the call-back into a domain event.',
      // Folder scope aggregates each folder with its subfolders; `from` keeps the rule to
      // the top-level folders (src/<folder>), so loops between subfolders of one feature
      // are left to the module-level no-circular rule.
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/', circular: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules must not import each other in a loop (directly or through others): Nest ' +
        'resolves such imports as undefined at load time and the code reads in no order.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'infrastructure-knows-no-feature',
      severity: 'error',
      comment:
        'src/valkey, src/common and src/config are the infrastructure every feature builds on; ' +
        'they import only each other, node built-ins and packages, never a feature folder ' +
        '(leaderboard, scores, ranking-jobs, realtime, health, ...). A feature that needs to be ' +
        'told about something subscribes to a domain event instead.',
      from: { path: INFRASTRUCTURE },
      to: { path: '^src/', pathNot: INFRASTRUCTURE },
    },
    {
      name: 'leaderboard-never-imports-scores',
      severity: 'error',
      comment:
        'Reads never import writes: src/leaderboard (boards and reads) must not import ' +
        'src/scores (submissions). Scores may depend on leaderboard, not the reverse.',
      from: { path: '^src/leaderboard/' },
      to: { path: '^src/scores/' },
    },
    {
      name: 'scores-never-imports-realtime',
      severity: 'error',
      comment:
        'src/scores must not import src/realtime: live updates react to a scores-changed ' +
        'domain event; the write path never calls the Socket.IO side.',
      from: { path: '^src/scores/' },
      to: { path: '^src/realtime/' },
    },
    {
      name: 'scores-never-imports-ranking-jobs',
      severity: 'error',
      comment:
        'src/scores announces `scores.changed`; the stats trigger in src/ranking-jobs hears it. ' +
        'The write path never calls the job side.',
      from: { path: '^src/scores/' },
      to: { path: '^src/ranking-jobs/' },
    },
    {
      name: 'realtime-imports-only-events-and-reads',
      severity: 'error',
      comment:
        'src/realtime hears domain events and reads standings (src/leaderboard); it never ' +
        'imports the write or job features (src/scores, src/ranking-jobs).',
      from: { path: '^src/realtime/' },
      to: { path: '^src/(scores|ranking-jobs)/' },
    },
    {
      name: 'only-repositories-import-key-layout',
      severity: 'error',
      comment:
        'Only repositories (*.repository.ts) and src/valkey may import the key layout ' +
        '(keys.ts, *.keys.ts): services, controllers and gateways never build a Valkey key. ' +
        "A feature's own key layout file may build on the shared one.",
      from: { path: '^src/', pathNot: ['\\.repository\\.ts$', '^src/valkey/', KEY_LAYOUT] },
      to: { path: KEY_LAYOUT },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['^dist/', '\\.spec\\.ts$', '^test/'] },
    // Type-only imports couple folders just as much as value imports.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
