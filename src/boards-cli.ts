import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { BoardsCliModule } from './app.module';
import { createRootLogger, PinoNestLogger } from './common/logging';
import { ProblemException } from './common/problem';
import { ConfigError, loadConfig } from './config/app-config';
import { BoardsFileError } from './leaderboard/boards-file/boards-file';
import { BoardsFileService, BoardsPlan } from './leaderboard/boards-file/boards-file.service';
import { formatPlan } from './leaderboard/boards-file/plan-text';
import { isValkeyUnavailable } from './valkey/valkey-errors';

export const BOARDS_CLI_USAGE = `Usage: npm run boards -- <plan|apply> [file] [--json]

  plan   print what applying the boards file would change; changes nothing
  apply  create missing boards, patch mutable settings that differ, and (only with
         "prune: true" in the file) delete boards the file does not list, except global
  file   a YAML or JSON boards file (default: BOARDS_FILE)
  --json print the plan (or the error) as JSON

Connects to Valkey as the app does (VALKEY_URL, VALKEY_CLUSTER_NODES, VALKEY_PASSWORD).
Exit status: 0 done (plan: the file can be applied), 1 the file is invalid or refused or
could not be applied, 2 wrong usage, 78 bad configuration.
`;

/** Where the CLI writes: the plan to `out`, errors and usage to `err`. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const planJson = (plan: BoardsPlan): string => `${JSON.stringify(plan, null, 2)}\n`;

/**
 * `npm run boards -- plan|apply [file]`: plans or applies a boards file against the Valkey the
 * environment names. Returns the exit status.
 */
export async function runBoardsCli(
  args: string[],
  env: Record<string, string | undefined>,
  io: CliOutput,
): Promise<number> {
  const json = args.includes('--json');
  const positional = args.filter((a) => a !== '--json');
  if (args.includes('--help') || args.includes('-h')) {
    io.out(BOARDS_CLI_USAGE);
    return 0;
  }
  const [command, fileArg, ...extra] = positional;
  if ((command !== 'plan' && command !== 'apply') || extra.length > 0 || fileArg?.startsWith('-')) {
    io.err(BOARDS_CLI_USAGE);
    return 2;
  }
  let config;
  try {
    // Only warnings and errors on the log (stderr) unless LOG_LEVEL asks for more.
    config = loadConfig({ ...env, LOG_LEVEL: env.LOG_LEVEL || 'warn' }, []);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`${err.message}\n`);
    return 78;
  }
  const path = fileArg ?? config.boardsFile;
  if (!path) {
    io.err(`No boards file: name one or set BOARDS_FILE.\n\n${BOARDS_CLI_USAGE}`);
    return 2;
  }
  const logger = createRootLogger(config, pino.destination({ fd: 2, sync: true }));
  const app = await NestFactory.createApplicationContext(BoardsCliModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const fail = (message: string, error: BoardsFileError | null): number => {
    if (json) io.out(`${JSON.stringify({ error: { message, problems: error?.problems } })}\n`);
    io.err(`${message}\n`);
    return 1;
  };
  try {
    const service = app.get(BoardsFileService);
    const file = await service.load(path);
    if (command === 'plan') {
      const plan = await service.plan(file);
      io.out(json ? planJson(plan) : formatPlan(plan, false));
      return plan.refused ? 1 : 0;
    }
    try {
      const plan = await service.apply(file);
      io.out(json ? planJson(plan) : formatPlan(plan, true));
      return 0;
    } catch (err) {
      // Show what was refused in plan form too, so both the table and the reason are on screen.
      if (err instanceof BoardsFileError && err.reason === 'refused' && !json)
        io.out(formatPlan(await service.plan(file), true));
      throw err;
    }
  } catch (err) {
    if (err instanceof BoardsFileError) return fail(err.message, err);
    if (isValkeyUnavailable(err))
      return fail(`Valkey is unavailable: ${(err as Error).message}`, null);
    if (err instanceof ProblemException) {
      return fail((err.getResponse() as { detail?: string }).detail ?? err.message, null);
    }
    throw err;
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  runBoardsCli(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`boards: ${(err as Error)?.stack ?? String(err)}\n`);
      // Whatever the failure left open (connections) must not keep the process alive.
      process.exit(1);
    },
  );
}
