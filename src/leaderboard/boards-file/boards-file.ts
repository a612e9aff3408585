import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ProblemException, ProblemFieldError } from '../../common/problem';
import { createValidationPipe } from '../../common/validation';
import type { BoardSettings } from '../board';
import { tournamentInput, type BoardDto, type CreateBoardDto } from '../dto/board.dto';
import { BoardsFileDto } from './dto/boards-file.dto';

/** One board of a boards file: its id and the settings the file gives (the rest are defaults). */
export interface BoardSpec {
  id: string;
  /** Where it is in the file's `boards` list (0-based), for messages. */
  index: number;
  settings: Partial<BoardSettings>;
}

/** A boards file, read and validated. */
export interface BoardsFile {
  path: string;
  /** Whether boards the file does not list are deleted (`global` never is). */
  prune: boolean;
  boards: BoardSpec[];
}

/** One thing wrong with a boards file, or one change it was refused for. */
export interface BoardsFileProblem {
  /** The board's id, when the entry has a valid one. */
  board?: string;
  /** The board's place in the file's `boards` list (0-based), when the id cannot name it. */
  index?: number;
  /** The field, as a path inside the board (`tiers.0.name`) or the file (`prune`). */
  field?: string;
  message: string;
}

export type BoardsFileFailure = 'unreadable' | 'invalid' | 'refused' | 'failed';

const HEADLINES: Record<BoardsFileFailure, string> = {
  unreadable: 'cannot be read',
  invalid: 'is invalid (nothing was changed)',
  refused: 'is refused: an immutable field differs from the server (nothing was changed)',
  failed: 'could not be applied',
};

export function describeProblem(p: BoardsFileProblem): string {
  const where = [
    p.board !== undefined
      ? `board "${p.board}"`
      : p.index !== undefined
        ? `boards[${p.index}]`
        : null,
    p.field !== undefined ? `field ${p.field}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${p.message}` : p.message;
}

/** Why a boards file was not (or not wholly) applied; the message names every board and field. */
export class BoardsFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: BoardsFileFailure,
    readonly problems: BoardsFileProblem[],
  ) {
    super(
      `${file} ${HEADLINES[reason]}:\n${problems.map((p) => `  - ${describeProblem(p)}`).join('\n')}`,
    );
    this.name = 'BoardsFileError';
  }
}

/**
 * Fields of the board document (`GET /v1/leaderboards/{id}`) that describe a board's state, not
 * its configuration: accepted in a file (so a board read from the API can be pasted in) and
 * ignored. Every other field is validated as `POST /v1/leaderboards` validates it.
 */
export const READ_ONLY_BOARD_FIELDS = [
  'memberCount',
  'createdAt',
  'period',
  'nextResetAt',
] as const satisfies readonly Exclude<keyof BoardDto, keyof CreateBoardDto>[];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseText(path: string, text: string): unknown {
  try {
    if (extname(path).toLowerCase() === '.json') return JSON.parse(text) as unknown;
    // JSON is YAML too; duplicate keys and alias bombs are errors, not silently resolved.
    return parseYaml(text, { uniqueKeys: true, maxAliasCount: 100, prettyErrors: true }) as unknown;
  } catch (err) {
    const kind = extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML';
    throw new BoardsFileError(path, 'invalid', [
      { message: `not valid ${kind}: ${(err as Error).message.split('\n')[0].replace(/:$/, '')}` },
    ]);
  }
}

const pipe = createValidationPipe();

/** Turns the validation pipe's paths (`boards.2.tiers.0.name`) into board and field. */
function locate(e: ProblemFieldError, boards: unknown): BoardsFileProblem {
  const m = /^boards\.(\d+)(?:\.(.+))?$/.exec(e.path);
  if (!m) return { field: e.path === 'body' ? undefined : e.path, message: e.message };
  const index = Number(m[1]);
  const entry = Array.isArray(boards) ? (boards[index] as unknown) : undefined;
  const id = isRecord(entry) && typeof entry.id === 'string' ? entry.id : null;
  const named = id !== null && m[2] !== 'id' ? { board: id } : { index };
  return { ...named, field: m[2], message: e.message };
}

const NOT_A_BOARD = 'must be a mapping (id, title, ...)';

/** One problem per entry of `boards` that is not a mapping (class-validator words it twice). */
function entryProblems(errors: BoardsFileProblem[], boards: unknown): BoardsFileProblem[] {
  if (!Array.isArray(boards)) return errors;
  const kept = errors.filter(
    (e) =>
      !(e.field === 'boards' && e.message === NOT_A_BOARD) && !/nested property/.test(e.message),
  );
  const entries = boards
    .map((b: unknown, index) => (isRecord(b) ? null : { index, message: NOT_A_BOARD }))
    .filter((p) => p !== null);
  return [...kept, ...entries];
}

/** Validates the text of a boards file; throws {@link BoardsFileError} naming every problem. */
export async function parseBoardsFile(path: string, text: string): Promise<BoardsFile> {
  const raw = parseText(path, text);
  if (!isRecord(raw)) {
    throw new BoardsFileError(path, 'invalid', [
      {
        message: 'the file must hold a mapping with a `boards` list (and `prune: true` to delete)',
      },
    ]);
  }
  const input: Record<string, unknown> = { ...raw };
  if (Array.isArray(raw.boards)) {
    input.boards = raw.boards.map((b: unknown) => {
      if (!isRecord(b)) return b;
      const copy = { ...b };
      for (const f of READ_ONLY_BOARD_FIELDS) delete copy[f];
      return copy;
    });
  }
  let dto: BoardsFileDto;
  try {
    dto = (await pipe.transform(input, { type: 'body', metatype: BoardsFileDto })) as BoardsFileDto;
  } catch (err) {
    if (!(err instanceof ProblemException)) throw err;
    const errors = (err.getResponse() as { errors?: ProblemFieldError[] }).errors ?? [];
    throw new BoardsFileError(
      path,
      'invalid',
      errors.length > 0
        ? entryProblems(
            errors.map((e) => locate(e, raw.boards)),
            raw.boards,
          )
        : [{ message: (err.getResponse() as { detail: string }).detail }],
    );
  }
  const problems: BoardsFileProblem[] = [];
  const seen = new Map<string, number>();
  const boards: BoardSpec[] = dto.boards.map((board, index) => {
    const first = seen.get(board.id);
    if (first !== undefined) {
      problems.push({
        board: board.id,
        field: 'id',
        message: `is listed twice (boards[${first}] and boards[${index}])`,
      });
    } else {
      seen.set(board.id, index);
    }
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(board)) {
      // Plain data (tiers arrive as DTO instances), without the fields the file left out.
      if (key !== 'id' && value !== undefined) settings[key] = JSON.parse(JSON.stringify(value));
    }
    // Instants are ISO-8601 in the document and ms since the epoch in the settings, as in POST.
    Object.assign(settings, tournamentInput(board));
    return { id: board.id, index, settings };
  });
  if (problems.length > 0) throw new BoardsFileError(path, 'invalid', problems);
  return { path, prune: dto.prune ?? false, boards };
}

/** Reads and validates a boards file (`.json`: JSON; anything else: YAML). */
export async function readBoardsFile(path: string): Promise<BoardsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BoardsFileError(path, 'unreadable', [{ message: (err as Error).message }]);
  }
  return parseBoardsFile(path, text);
}
